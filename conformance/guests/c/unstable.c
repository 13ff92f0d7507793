// build: freestanding
/* unstable: the wasi_unstable ABI (the predecessor of preview1), one case per argv[1].
 * No libc: every import is declared here against module "wasi_unstable", so the module
 * imports nothing else. Differences from preview1 checked here: whence numbering
 * (cur=0, end=1, set=2), the 56-byte filestat (u32 nlink at 20, size at 24), the 56-byte
 * subscription (subscription_clock starts with a u64 identifier), and no sock_accept.
 * Same reporting protocol as the other guests (check.h): "label: ok" / "label: ENOENT"
 * / "label = value" on stdout, MISMATCH lines on stderr, exit 1 on any mismatch.
 * Works in the `base` fixture, preopened as fd 3. */

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long i64;

#define IMPORT(name) __attribute__((import_module("wasi_unstable"), import_name(#name)))
IMPORT(args_get) int args_get(u32 *argv, char *buf);
IMPORT(args_sizes_get) int args_sizes_get(u32 *argc, u32 *size);
IMPORT(environ_get) int environ_get(u32 *env, char *buf);
IMPORT(environ_sizes_get) int environ_sizes_get(u32 *count, u32 *size);
IMPORT(clock_res_get) int clock_res_get(u32 id, u64 *res);
IMPORT(clock_time_get) int clock_time_get(u32 id, u64 precision, u64 *time);
IMPORT(fd_advise) int fd_advise(u32 fd, u64 off, u64 len, u32 advice);
IMPORT(fd_allocate) int fd_allocate(u32 fd, u64 off, u64 len);
IMPORT(fd_close) int fd_close(u32 fd);
IMPORT(fd_datasync) int fd_datasync(u32 fd);
IMPORT(fd_fdstat_get) int fd_fdstat_get(u32 fd, void *st);
IMPORT(fd_fdstat_set_flags) int fd_fdstat_set_flags(u32 fd, u32 flags);
IMPORT(fd_fdstat_set_rights) int fd_fdstat_set_rights(u32 fd, u64 base, u64 inh);
IMPORT(fd_filestat_get) int fd_filestat_get(u32 fd, void *st);
IMPORT(fd_filestat_set_size) int fd_filestat_set_size(u32 fd, u64 size);
IMPORT(fd_filestat_set_times) int fd_filestat_set_times(u32 fd, u64 atim, u64 mtim, u32 flags);
IMPORT(fd_pread) int fd_pread(u32 fd, const void *iovs, u32 n, u64 off, u32 *nread);
IMPORT(fd_prestat_get) int fd_prestat_get(u32 fd, void *st);
IMPORT(fd_prestat_dir_name) int fd_prestat_dir_name(u32 fd, char *buf, u32 len);
IMPORT(fd_pwrite) int fd_pwrite(u32 fd, const void *iovs, u32 n, u64 off, u32 *nw);
IMPORT(fd_read) int fd_read(u32 fd, const void *iovs, u32 n, u32 *nread);
IMPORT(fd_readdir) int fd_readdir(u32 fd, void *buf, u32 len, u64 cookie, u32 *used);
IMPORT(fd_renumber) int fd_renumber(u32 fd, u32 to);
IMPORT(fd_seek) int fd_seek(u32 fd, i64 off, u32 whence, u64 *newoff);
IMPORT(fd_sync) int fd_sync(u32 fd);
IMPORT(fd_tell) int fd_tell(u32 fd, u64 *off);
IMPORT(fd_write) int fd_write(u32 fd, const void *iovs, u32 n, u32 *nw);
IMPORT(path_create_directory) int path_create_directory(u32 fd, const char *p, u32 n);
IMPORT(path_filestat_get) int path_filestat_get(u32 fd, u32 flags, const char *p, u32 n, void *st);
IMPORT(path_filestat_set_times) int path_filestat_set_times(u32 fd, u32 flags, const char *p, u32 n, u64 atim, u64 mtim, u32 fl);
IMPORT(path_link) int path_link(u32 ofd, u32 flags, const char *op, u32 on, u32 nfd, const char *np, u32 nn);
IMPORT(path_open) int path_open(u32 fd, u32 dirflags, const char *p, u32 n, u32 oflags, u64 base, u64 inh, u32 fdflags, u32 *out);
IMPORT(path_readlink) int path_readlink(u32 fd, const char *p, u32 n, char *buf, u32 len, u32 *used);
IMPORT(path_remove_directory) int path_remove_directory(u32 fd, const char *p, u32 n);
IMPORT(path_rename) int path_rename(u32 fd, const char *op, u32 on, u32 nfd, const char *np, u32 nn);
IMPORT(path_symlink) int path_symlink(const char *op, u32 on, u32 fd, const char *np, u32 nn);
IMPORT(path_unlink_file) int path_unlink_file(u32 fd, const char *p, u32 n);
IMPORT(poll_oneoff) int poll_oneoff(const void *in, void *out, u32 n, u32 *nevents);
IMPORT(proc_exit) _Noreturn void proc_exit(u32 code);
IMPORT(proc_raise) int proc_raise(u32 sig);
IMPORT(random_get) int random_get(void *buf, u32 len);
IMPORT(sched_yield) int sched_yield(void);
IMPORT(sock_recv) int sock_recv(u32 fd, const void *iovs, u32 n, u32 flags, u32 *len, u16 *oflags);
IMPORT(sock_send) int sock_send(u32 fd, const void *iovs, u32 n, u32 flags, u32 *len);
IMPORT(sock_shutdown) int sock_shutdown(u32 fd, u32 how);

/* ---- freestanding support ------------------------------------------------------------ */

void *memset(void *d, int c, unsigned long n) {
    u8 *p = d;
    while (n--) *p++ = (u8)c;
    return d;
}
void *memcpy(void *d, const void *s, unsigned long n) {
    u8 *p = d;
    const u8 *q = s;
    while (n--) *p++ = *q++;
    return d;
}
static u32 slen(const char *s) {
    u32 n = 0;
    while (s[n]) n++;
    return n;
}
static int seq(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static int g_failed;

static void outn(u32 fd, const char *s, u32 n) {
    u32 iov[2] = {(u32)(unsigned long)s, n}, nw;
    fd_write(fd, iov, 1, &nw);
}
static void out(u32 fd, const char *s) { outn(fd, s, slen(s)); }
static void outu(u32 fd, u64 v) {
    char b[24];
    int i = 23;
    b[i] = 0;
    do b[--i] = (char)('0' + v % 10); while (v /= 10);
    out(fd, b + i);
}

static const char *const NAMES[77] = {
    "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
    "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
    "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
    "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
    "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE", "NOBUFS",
    "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT", "NOSPC",
    "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP", "NOTTY",
    "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT", "PROTOTYPE",
    "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV", "NOTCAPABLE",
};
static void errname(u32 fd, int e) {
    if (e == 0) {
        out(fd, "ok");
    } else if (e > 0 && e < 77) {
        out(fd, "E");
        out(fd, NAMES[e]);
    } else {
        out(fd, "errno=");
        outu(fd, (u64)e);
    }
}

enum { EBADF = 8, EEXIST = 20, EINVAL = 28, EISDIR = 31, ENAMETOOLONG = 37, ENOENT = 44, ENOTDIR = 54, ENOTEMPTY = 55, ENOTSOCK = 57, ENOTCAPABLE = 76 };

static void ck(const char *label, int got, int want) {
    out(1, label);
    out(1, ": ");
    errname(1, got);
    out(1, "\n");
    if (got != want) {
        g_failed = 1;
        out(2, "MISMATCH ");
        out(2, label);
        out(2, ": expected ");
        errname(2, want);
        out(2, ", got ");
        errname(2, got);
        out(2, "\n");
    }
}
static void ckv(const char *label, u64 got, u64 want) {
    out(1, label);
    out(1, " = ");
    outu(1, got);
    out(1, "\n");
    if (got != want) {
        g_failed = 1;
        out(2, "MISMATCH ");
        out(2, label);
        out(2, ": expected ");
        outu(2, want);
        out(2, ", got ");
        outu(2, got);
        out(2, "\n");
    }
}

#define D 3
#define ALL ((1ULL << 29) - 1) /* wasi_unstable has 29 rights (no sock_accept) */
#define RO (ALL & ~((1ULL << 0) | (1ULL << 6) | (1ULL << 8) | (1ULL << 22)))
#define W_CUR 0
#define W_END 1
#define W_SET 2

static u8 buf[4096] __attribute__((aligned(8)));

static u32 open_(const char *p, u32 oflags, u64 rights, u32 fdflags, int want, const char *label) {
    u32 fd = 0xdead;
    ck(label, path_open(D, 1, p, slen(p), oflags, rights, ALL, fdflags, &fd), want);
    return fd;
}

static u64 ld64(const u8 *p) {
    u64 v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | p[i];
    return v;
}
static u32 ld32(const u8 *p) { return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24; }
static void st64(u8 *p, u64 v) {
    for (int i = 0; i < 8; i++) p[i] = (u8)(v >> (8 * i));
}
static void st32(u8 *p, u32 v) {
    for (int i = 0; i < 4; i++) p[i] = (u8)(v >> (8 * i));
}

/* ---- cases --------------------------------------------------------------------------- */

static void c_args_env(void) {
    u32 argc, size, ptrs[16];
    ck("args_sizes_get", args_sizes_get(&argc, &size), 0);
    ckv("argc - 1", argc - 1, 3);
    ck("args_get", args_get(ptrs, (char *)buf), 0);
    for (u32 i = 2; i < argc; i++) {
        out(1, "arg [");
        out(1, (const char *)(unsigned long)ptrs[i]);
        out(1, "]\n");
    }
    u32 n, esz;
    ck("environ_sizes_get", environ_sizes_get(&n, &esz), 0);
    ckv("environ count", n, 1);
    ck("environ_get", environ_get(ptrs, (char *)buf + 1024), 0);
    out(1, "env [");
    out(1, (const char *)(unsigned long)ptrs[0]);
    out(1, "]\n");
}

static void c_clocks(void) {
    u64 r = 0, t1 = 0, t2 = 0;
    ck("clock_res_get(monotonic)", clock_res_get(1, &r), 0);
    ckv("resolution > 0", r > 0, 1);
    ck("clock_time_get(monotonic)", clock_time_get(1, 1, &t1), 0);
    ck("clock_time_get(monotonic) again", clock_time_get(1, 1, &t2), 0);
    ckv("second >= first", t2 >= t1, 1);
    ck("clock_time_get(realtime)", clock_time_get(0, 1, &t1), 0);
    ck("clock_res_get(7)", clock_res_get(7, &r), EINVAL);
}

static void c_seek_whence(void) {
    u32 fd = open_("file.txt", 0, RO, 0, 0, "path_open(file.txt)");
    u64 off = 99;
    ck("fd_seek(5, whence 2 = set)", fd_seek(fd, 5, W_SET, &off), 0);
    ckv("offset", off, 5);
    ck("fd_seek(2, whence 0 = cur)", fd_seek(fd, 2, W_CUR, &off), 0);
    ckv("offset", off, 7);
    ck("fd_seek(-3, whence 1 = end)", fd_seek(fd, -3, W_END, &off), 0);
    ckv("offset", off, 10);
    ck("fd_tell", fd_tell(fd, &off), 0);
    ckv("offset", off, 10);
    ck("fd_seek(0, whence 3)", fd_seek(fd, 0, 3, &off), EINVAL);
    ck("fd_seek(-1, set)", fd_seek(fd, -1, W_SET, &off), EINVAL);
}

static void c_read_write(void) {
    u32 fd = open_("file.txt", 0, ALL, 0, 0, "path_open(file.txt, rw)");
    u32 iov[2] = {(u32)(unsigned long)buf, 5}, n = 0;
    ck("fd_read", fd_read(fd, iov, 1, &n), 0);
    ckv("nread", n, 5);
    ckv("data is hello", buf[0] == 'h' && buf[4] == 'o', 1);
    ck("fd_pread(5 @ 7)", fd_pread(fd, iov, 1, 7, &n), 0);
    ckv("data is world", buf[0] == 'w' && buf[4] == 'd', 1);
    u32 wiov[2] = {(u32)(unsigned long)"HELLO", 5};
    ck("fd_pwrite(HELLO @ 0)", fd_pwrite(fd, wiov, 1, 0, &n), 0);
    ckv("nwritten", n, 5);
    u64 off;
    fd_seek(fd, 0, W_END, &off);
    u32 tiov[2] = {(u32)(unsigned long)"tail\n", 5};
    ck("fd_write at the end", fd_write(fd, tiov, 1, &n), 0);
    ck("fd_tell", fd_tell(fd, &off), 0);
    ckv("offset", off, 18);
    ck("fd_close", fd_close(fd), 0);
    ck("fd_close again", fd_close(fd), EBADF);
}

static void c_filestat(void) {
    memset(buf, 0xAA, 128);
    ck("path_filestat_get(file.txt)", path_filestat_get(D, 1, "file.txt", 8, buf), 0);
    ckv("filetype at 16", buf[16], 4);
    ckv("nlink (u32) at 20", ld32(buf + 20), 1);
    ckv("size (u64) at 24", ld64(buf + 24), 13);
    ckv("byte 56 untouched", buf[56], 0xAA);
    ck("path_filestat_get(link_file, nofollow)", path_filestat_get(D, 0, "link_file", 9, buf), 0);
    ckv("filetype", buf[16], 7);
    ckv("size = target length", ld64(buf + 24), 8);
    u32 fd = open_("file.txt", 0, ALL, 0, 0, "path_open(file.txt, rw)");
    ck("fd_filestat_set_size(5)", fd_filestat_set_size(fd, 5), 0);
    ck("fd_filestat_set_times", fd_filestat_set_times(fd, 1000000001, 2000000002, 1 | 4), 0);
    memset(buf, 0xAA, 128);
    ck("fd_filestat_get", fd_filestat_get(fd, buf), 0);
    ckv("size at 24", ld64(buf + 24), 5);
    ckv("atim at 32", ld64(buf + 32), 1000000001);
    ckv("mtim at 40", ld64(buf + 40), 2000000002);
    ckv("byte 56 untouched", buf[56], 0xAA);
    ck("path_filestat_set_times(dir)", path_filestat_set_times(D, 0, "dir", 3, 3000000003ULL, 4000000004ULL, 1 | 4), 0);
    ck("path_filestat_get(dir)", path_filestat_get(D, 0, "dir", 3, buf), 0);
    ckv("filetype", buf[16], 3);
    ckv("atim", ld64(buf + 32), 3000000003ULL);
    ckv("mtim", ld64(buf + 40), 4000000004ULL);
}

static void c_fdstat(void) {
    u32 fd = open_("file.txt", 0, ALL, 0, 0, "path_open(file.txt, rw)");
    memset(buf, 0xAA, 64);
    ck("fd_fdstat_get", fd_fdstat_get(fd, buf), 0);
    ckv("filetype at 0", buf[0], 4);
    ckv("flags at 2", buf[2] | buf[3] << 8, 0);
    ckv("FD_WRITE in base rights", (ld64(buf + 8) >> 6) & 1, 1);
    ckv("byte 24 untouched", buf[24], 0xAA);
    ck("fd_fdstat_set_flags(APPEND)", fd_fdstat_set_flags(fd, 1), 0);
    fd_fdstat_get(fd, buf);
    ckv("flags", buf[2], 1);
    u64 base = ld64(buf + 8), inh = ld64(buf + 16);
    ck("fd_fdstat_set_rights(without FD_WRITE)", fd_fdstat_set_rights(fd, base & ~(1ULL << 6), inh), 0);
    fd_fdstat_get(fd, buf);
    ckv("FD_WRITE gone", (ld64(buf + 8) >> 6) & 1, 0);
    u32 iov[2] = {(u32)(unsigned long)"x", 1}, n;
    ck("fd_write (a right removed by the guest is enforced)", fd_write(fd, iov, 1, &n), ENOTCAPABLE);
}

static void c_advise_allocate_sync(void) {
    u32 fd = open_("file.txt", 0, ALL, 0, 0, "path_open(file.txt, rw)");
    for (u32 a = 0; a < 6; a++) ck("fd_advise", fd_advise(fd, 0, 13, a), 0);
    ck("fd_advise(6)", fd_advise(fd, 0, 13, 6), EINVAL);
    ck("fd_allocate(0, 40)", fd_allocate(fd, 0, 40), 0);
    path_filestat_get(D, 0, "file.txt", 8, buf);
    ckv("size", ld64(buf + 24), 40);
    ck("fd_sync", fd_sync(fd), 0);
    ck("fd_datasync", fd_datasync(fd), 0);
}

static void c_prestat(void) {
    memset(buf, 0xAA, 16);
    ck("fd_prestat_get(3)", fd_prestat_get(D, buf), 0);
    ckv("tag", buf[0], 0);
    ckv("name length", ld32(buf + 4), 4);
    char name[8] = {0};
    ck("fd_prestat_dir_name", fd_prestat_dir_name(D, name, 4), 0);
    ckv("name is base", seq(name, "base"), 1);
    ck("fd_prestat_dir_name(len 2)", fd_prestat_dir_name(D, name, 2), ENAMETOOLONG);
    ck("fd_prestat_get(0)", fd_prestat_get(0, buf), EBADF);
    ck("fd_prestat_get(4)", fd_prestat_get(4, buf), EBADF);
}

static void c_readdir(void) {
    u32 fd = open_("dir", 2, RO, 0, 0, "path_open(dir, DIRECTORY)");
    u32 used = 0;
    ck("fd_readdir", fd_readdir(fd, buf, sizeof buf, 0, &used), 0);
    int dot = 0, dotdot = 0, a = 0, sub = 0;
    for (u32 off = 0; off + 24 <= used;) {
        u32 n = ld32(buf + off + 16);
        const char *nm = (const char *)buf + off + 24;
        u8 t = buf[off + 20];
        if (n == 1 && nm[0] == '.') dot = t;
        if (n == 2 && nm[0] == '.' && nm[1] == '.') dotdot = t;
        if (n == 5 && nm[0] == 'a' && nm[1] == '.') a = t;
        if (n == 3 && nm[0] == 's' && nm[1] == 'u' && nm[2] == 'b') sub = t;
        off += 24 + n;
    }
    ckv(". type", dot, 3);
    ckv(".. type", dotdot, 3);
    ckv("a.txt type", a, 4);
    ckv("sub type", sub, 3);
    ck("fd_readdir on a file", fd_readdir(open_("file.txt", 0, RO, 0, 0, "path_open(file.txt)"), buf, 64, 0, &used), ENOTDIR);
}

static void c_renumber(void) {
    u32 a = open_("file.txt", 0, RO, 0, 0, "path_open(file.txt)");
    u32 b = open_("dir/a.txt", 0, RO, 0, 0, "path_open(dir/a.txt)");
    ck("fd_renumber(a, b)", fd_renumber(a, b), 0);
    u32 iov[2] = {(u32)(unsigned long)buf, 5}, n = 0;
    ck("fd_read(b)", fd_read(b, iov, 1, &n), 0);
    ckv("b reads file.txt", n == 5 && buf[0] == 'h', 1);
    ck("fd_read(a)", fd_read(a, iov, 1, &n), EBADF);
}

static void c_paths(void) {
    ck("path_create_directory(new)", path_create_directory(D, "new", 3), 0);
    ck("path_create_directory(new) again", path_create_directory(D, "new", 3), EEXIST);
    ck("path_symlink(../file.txt, new/s)", path_symlink("../file.txt", 11, D, "new/s", 5), 0);
    char lb[32];
    u32 used = 0;
    ck("path_readlink(new/s)", path_readlink(D, "new/s", 5, lb, sizeof lb, &used), 0);
    ckv("bufused", used, 11);
    ck("path_link(file.txt, new/h)", path_link(D, 0, "file.txt", 8, D, "new/h", 5), 0);
    path_filestat_get(D, 0, "file.txt", 8, buf);
    ckv("nlink", ld32(buf + 20), 2);
    ck("path_rename(new/h, new/h2)", path_rename(D, "new/h", 5, D, "new/h2", 6), 0);
    ck("path_remove_directory(new)", path_remove_directory(D, "new", 3), ENOTEMPTY);
    ck("path_unlink_file(new/h2)", path_unlink_file(D, "new/h2", 6), 0);
    ck("path_unlink_file(new/s)", path_unlink_file(D, "new/s", 5), 0);
    ck("path_remove_directory(new)", path_remove_directory(D, "new", 3), 0);
    ck("path_unlink_file(dir)", path_unlink_file(D, "dir", 3), EISDIR);
    ck("path_open(missing)", path_open(D, 0, "missing", 7, 0, RO, ALL, 0, &used), ENOENT);
    ck("path_open(..)", path_open(D, 0, "..", 2, 2, RO, ALL, 0, &used), ENOTCAPABLE);
    ck("path_open(file.txt, DIRECTORY)", path_open(D, 0, "file.txt", 8, 2, RO, ALL, 0, &used), ENOTDIR);
}

static void c_poll(void) {
    u8 *s = buf, *ev = buf + 512;
    memset(buf, 0, 1024);
    /* two clock subscriptions, 56 bytes apart */
    st64(s + 0, 0x1111);
    s[8] = 0;
    st64(s + 16, 0xAAAA); /* identifier */
    st32(s + 24, 1);      /* monotonic */
    st64(s + 32, 60000000000ULL);
    st64(s + 56 + 0, 0x2222);
    s[56 + 8] = 0;
    st64(s + 56 + 16, 0xBBBB);
    st32(s + 56 + 24, 1);
    st64(s + 56 + 32, 1000000);
    u32 n = 0;
    ck("poll_oneoff(2 clocks)", poll_oneoff(s, ev, 2, &n), 0);
    ckv("nevents", n, 1);
    ckv("userdata", ld64(ev), 0x2222);
    ckv("error", ev[8] | ev[9] << 8, 0);
    ckv("type", ev[10], 0);
    u32 fd = open_("file.txt", 0, RO, 0, 0, "path_open(file.txt)");
    memset(buf, 0, 1024);
    st64(s, 0x3333);
    s[8] = 1; /* fd_read */
    st32(s + 16, fd);
    ck("poll_oneoff(fd_read file)", poll_oneoff(s, ev, 1, &n), 0);
    ckv("nevents", n, 1);
    ckv("userdata", ld64(ev), 0x3333);
    ckv("type", ev[10], 1);
    ck("poll_oneoff(0 subscriptions)", poll_oneoff(s, ev, 0, &n), EINVAL);
}

static void c_misc(void) {
    ck("sched_yield", sched_yield(), 0);
    u8 r[32] = {0};
    ck("random_get(32)", random_get(r, 32), 0);
    int nz = 0;
    for (int i = 0; i < 32; i++) nz |= r[i];
    ckv("not all zero", nz != 0, 1);
    ck("proc_raise(99)", proc_raise(99), EINVAL);
}

static void c_sock(void) {
    u32 iov[2] = {(u32)(unsigned long)buf, 4}, n;
    u16 fl;
    ck("sock_recv(dir)", sock_recv(D, iov, 1, 0, &n, &fl), ENOTSOCK);
    ck("sock_send(dir)", sock_send(D, iov, 1, 0, &n), ENOTSOCK);
    ck("sock_shutdown(dir)", sock_shutdown(D, 3), ENOTSOCK);
    ck("sock_recv(99)", sock_recv(99, iov, 1, 0, &n, &fl), EBADF);
    ck("sock_send(99)", sock_send(99, iov, 1, 0, &n), EBADF);
    ck("sock_shutdown(99)", sock_shutdown(99, 1), EBADF);
}

static void c_exit(void) {
    out(1, "exiting with 42\n");
    proc_exit(42);
}

struct entry {
    const char *name, *area, *funcs, *dirs;
    void (*fn)(void);
};
static const struct entry CASES[] = {
    {"args_env", "unstable", "args_get args_sizes_get environ_get environ_sizes_get", "", c_args_env},
    {"clocks", "unstable", "clock_res_get clock_time_get", "", c_clocks},
    {"seek_whence", "unstable", "fd_seek fd_tell path_open", "base", c_seek_whence},
    {"read_write", "unstable", "fd_read fd_pread fd_pwrite fd_write fd_seek fd_tell fd_close", "base", c_read_write},
    {"filestat", "unstable", "path_filestat_get fd_filestat_get fd_filestat_set_size fd_filestat_set_times path_filestat_set_times", "base", c_filestat},
    {"fdstat", "unstable", "fd_fdstat_get fd_fdstat_set_flags fd_fdstat_set_rights", "base", c_fdstat},
    {"advise_allocate_sync", "unstable", "fd_advise fd_allocate fd_sync fd_datasync", "base", c_advise_allocate_sync},
    {"prestat", "unstable", "fd_prestat_get fd_prestat_dir_name", "base", c_prestat},
    {"readdir", "unstable", "fd_readdir", "base", c_readdir},
    {"renumber", "unstable", "fd_renumber", "base", c_renumber},
    {"paths", "unstable", "path_create_directory path_symlink path_readlink path_link path_rename path_remove_directory path_unlink_file path_open", "base", c_paths},
    {"poll", "unstable", "poll_oneoff", "base", c_poll},
    {"misc", "unstable", "sched_yield random_get proc_raise", "", c_misc},
    {"sock", "unstable", "sock_recv sock_send sock_shutdown", "base", c_sock},
    {"exit", "unstable", "proc_exit", "", c_exit},
    {0, 0, 0, 0, 0},
};

void _start(void) {
    u32 argc = 0, size = 0;
    static u32 ptrs[64];
    static char abuf[4096];
    if (args_sizes_get(&argc, &size) || argc > 64 || size > sizeof abuf || args_get(ptrs, abuf) || argc < 2) {
        out(2, "usage: unstable CASE | --list\n");
        proc_exit(2);
    }
    const char *name = (const char *)(unsigned long)ptrs[1];
    if (seq(name, "--list")) {
        for (const struct entry *e = CASES; e->name; e++) {
            out(1, e->name);
            out(1, "\t");
            out(1, e->area);
            out(1, "\t");
            out(1, e->funcs);
            out(1, "\t");
            out(1, e->dirs);
            out(1, "\tcompat\n");
        }
        proc_exit(0);
    }
    for (const struct entry *e = CASES; e->name; e++) {
        if (seq(e->name, name)) {
            e->fn();
            proc_exit(g_failed ? 1 : 0);
        }
    }
    out(2, "unknown case\n");
    proc_exit(2);
}
