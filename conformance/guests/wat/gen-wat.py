#!/usr/bin/env python3
"""Generates the WAT guests in this directory (python3 gen-wat.py; the .wat files are
committed, this script is how they were written and how to change them).

Every generated module reports through the same protocol as the Rust and C guests:
one line per check on stdout (`label: N`, N the errno or value, decimal), a
`MISMATCH label: expected E, got G` line on stderr for each check that did not give
what the module expects, and exit code 1 if there was one (0 otherwise), through
proc_exit. Memory layout: 0..255 helper scratch, 256..8191 per-test structures,
8192.. interned strings.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (params, results). Pointers and sizes are i32, 64-bit values i64.
SIGS = {
    "args_get": ("i32 i32", "i32"),
    "args_sizes_get": ("i32 i32", "i32"),
    "environ_get": ("i32 i32", "i32"),
    "environ_sizes_get": ("i32 i32", "i32"),
    "clock_res_get": ("i32 i32", "i32"),
    "clock_time_get": ("i32 i64 i32", "i32"),
    "fd_advise": ("i32 i64 i64 i32", "i32"),
    "fd_allocate": ("i32 i64 i64", "i32"),
    "fd_close": ("i32", "i32"),
    "fd_datasync": ("i32", "i32"),
    "fd_fdstat_get": ("i32 i32", "i32"),
    "fd_fdstat_set_flags": ("i32 i32", "i32"),
    "fd_fdstat_set_rights": ("i32 i64 i64", "i32"),
    "fd_filestat_get": ("i32 i32", "i32"),
    "fd_filestat_set_size": ("i32 i64", "i32"),
    "fd_filestat_set_times": ("i32 i64 i64 i32", "i32"),
    "fd_pread": ("i32 i32 i32 i64 i32", "i32"),
    "fd_prestat_get": ("i32 i32", "i32"),
    "fd_prestat_dir_name": ("i32 i32 i32", "i32"),
    "fd_pwrite": ("i32 i32 i32 i64 i32", "i32"),
    "fd_read": ("i32 i32 i32 i32", "i32"),
    "fd_readdir": ("i32 i32 i32 i64 i32", "i32"),
    "fd_renumber": ("i32 i32", "i32"),
    "fd_seek": ("i32 i64 i32 i32", "i32"),
    "fd_sync": ("i32", "i32"),
    "fd_tell": ("i32 i32", "i32"),
    "fd_write": ("i32 i32 i32 i32", "i32"),
    "path_create_directory": ("i32 i32 i32", "i32"),
    "path_filestat_get": ("i32 i32 i32 i32 i32", "i32"),
    "path_filestat_set_times": ("i32 i32 i32 i32 i64 i64 i32", "i32"),
    "path_link": ("i32 i32 i32 i32 i32 i32 i32", "i32"),
    "path_open": ("i32 i32 i32 i32 i32 i64 i64 i32 i32", "i32"),
    "path_readlink": ("i32 i32 i32 i32 i32 i32", "i32"),
    "path_remove_directory": ("i32 i32 i32", "i32"),
    "path_rename": ("i32 i32 i32 i32 i32 i32", "i32"),
    "path_symlink": ("i32 i32 i32 i32 i32", "i32"),
    "path_unlink_file": ("i32 i32 i32", "i32"),
    "poll_oneoff": ("i32 i32 i32 i32", "i32"),
    "proc_exit": ("i32", ""),
    "proc_raise": ("i32", "i32"),
    "sched_yield": ("", "i32"),
    "random_get": ("i32 i32", "i32"),
    "sock_accept": ("i32 i32 i32", "i32"),
    "sock_recv": ("i32 i32 i32 i32 i32 i32", "i32"),
    "sock_send": ("i32 i32 i32 i32 i32", "i32"),
    "sock_shutdown": ("i32 i32", "i32"),
}

ALL_RIGHTS = (1 << 30) - 1
RO_RIGHTS = ALL_RIGHTS & ~((1 << 0) | (1 << 6) | (1 << 8) | (1 << 22))


def wat_string(b: bytes) -> str:
    out = []
    for c in b:
        if 0x20 <= c < 0x7F and c not in (0x22, 0x5C):
            out.append(chr(c))
        else:
            out.append("\\%02x" % c)
    return '"' + "".join(out) + '"'


class Mod:
    def __init__(self, name, doc, module="wasi_snapshot_preview1", memory_pages=1):
        self.name = name
        self.doc = doc
        self.module = module
        self.pages = memory_pages
        self.used = {"fd_write", "proc_exit"}
        self.strings = {}
        self.next_str = 8192
        self.fixed = []  # (addr, bytes)
        self.body = []
        self.extra = []  # extra module fields (functions, exports)
        self.start = True
        self.expected = []  # stdout if every check matches; None once raw output is involved

    def s(self, text):
        """Intern a string; returns (ptr, len)."""
        b = text.encode() if isinstance(text, str) else bytes(text)
        if b not in self.strings:
            self.strings[b] = self.next_str
            self.next_str += len(b) + (8 - len(b) % 8)
        return self.strings[b], len(b)

    def call(self, fn, *args):
        self.used.add(fn)
        return f"(call ${fn} {' '.join(args)})"

    def data(self, addr, b):
        self.fixed.append((addr, bytes(b)))

    def check(self, label, expr, want):
        """Check an i32 expression (an errno or a value) against `want`."""
        p, n = self.s(label)
        self.body.append(f"(call $check (i32.const {p}) (i32.const {n}) {expr} (i32.const {want}))")
        if self.expected is not None:
            self.expected.append(f"{label}: {want}\n")

    def check64(self, label, expr, want):
        p, n = self.s(label)
        self.body.append(f"(call $check64 (i32.const {p}) (i32.const {n}) {expr} (i64.const {want}))")
        if self.expected is not None:
            self.expected.append(f"{label}: {want}\n")

    def say(self, text):
        p, n = self.s(text + "\n")
        self.body.append(f"(call $print (i32.const {p}) (i32.const {n}))")
        if self.expected is not None:
            self.expected.append(text + "\n")

    def raw(self, wat):
        self.body.append(wat)
        if "$print" in wat or "$out" in wat:
            self.expected = None

    def path_open(self, dirfd, path, oflags=0, rights=RO_RIGHTS, fdflags=0, lookup=1, out=200):
        """WAT expression: path_open(...) storing the fd at `out`; evaluates to the errno."""
        p, n = self.s(path)
        return self.call("path_open", f"(i32.const {dirfd})", f"(i32.const {lookup})", f"(i32.const {p})",
                         f"(i32.const {n})", f"(i32.const {oflags})", f"(i64.const {rights})",
                         f"(i64.const {ALL_RIGHTS})", f"(i32.const {fdflags})", f"(i32.const {out})")

    def emit(self):
        lines = [f";; {self.name}: {line}" if i == 0 else f";; {line}" for i, line in enumerate(self.doc.strip().splitlines())]
        lines.append(";; Generated by gen-wat.py; see that script for the reporting protocol.")
        lines.append("(module")
        for fn in sorted(self.used):
            params, results = SIGS[fn]
            sig = ""
            if params:
                sig += f" (param {params})"
            if results:
                sig += f" (result {results})"
            lines.append(f'  (import "{self.module}" "{fn}" (func ${fn}{sig}))')
        lines.append(f'  (memory (export "memory") {self.pages})')
        lines.append("  (global $failed (mut i32) (i32.const 0))")
        lines.append(HELPERS)
        for e in self.extra:
            lines.append(e)
        if self.start:
            lines.append('  (func $main (export "_start")')
            for b in self.body:
                lines.append("    " + b)
            lines.append("    (call $proc_exit (global.get $failed)))")
        for addr, b in sorted(self.fixed):
            lines.append(f"  (data (i32.const {addr}) {wat_string(b)})")
        for b, addr in sorted(self.strings.items(), key=lambda x: x[1]):
            lines.append(f"  (data (i32.const {addr}) {wat_string(b)})")
        lines.append(")")
        return "\n".join(lines) + "\n"


HELPERS = r"""
  ;; write [p, p+n) to fd
  (func $out (param $fd i32) (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $print (param $p i32) (param $n i32) (call $out (i32.const 1) (local.get $p) (local.get $n)))
  ;; decimal text of a signed 64-bit value, written to fd
  (func $num (param $fd i32) (param $v i64)
    (local $i i32) (local $neg i32) (local $u i64)
    (local.set $neg (i64.lt_s (local.get $v) (i64.const 0)))
    (local.set $u (if (result i64) (local.get $neg) (then (i64.sub (i64.const 0) (local.get $v))) (else (local.get $v))))
    (local.set $i (i32.const 127))
    (loop $digits
      (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $u) (i64.const 10)))))
      (local.set $u (i64.div_u (local.get $u) (i64.const 10)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $digits (i64.ne (local.get $u) (i64.const 0))))
    (if (local.get $neg) (then (i32.store8 (local.get $i) (i32.const 45)) (local.set $i (i32.sub (local.get $i) (i32.const 1)))))
    (call $out (local.get $fd) (i32.add (local.get $i) (i32.const 1)) (i32.sub (i32.const 127) (local.get $i))))
  ;; "label: got\n" on stdout; on a mismatch "MISMATCH label: expected want, got got\n" on stderr
  (func $check64 (param $lp i32) (param $ln i32) (param $got i64) (param $want i64)
    (call $out (i32.const 1) (local.get $lp) (local.get $ln))
    (call $out (i32.const 1) (i32.const 248) (i32.const 2))
    (call $num (i32.const 1) (local.get $got))
    (call $out (i32.const 1) (i32.const 252) (i32.const 1))
    (if (i64.ne (local.get $got) (local.get $want))
      (then
        (global.set $failed (i32.const 1))
        (call $out (i32.const 2) (i32.const 208) (i32.const 9))
        (call $out (i32.const 2) (local.get $lp) (local.get $ln))
        (call $out (i32.const 2) (i32.const 224) (i32.const 11))
        (call $num (i32.const 2) (local.get $want))
        (call $out (i32.const 2) (i32.const 240) (i32.const 6))
        (call $num (i32.const 2) (local.get $got))
        (call $out (i32.const 2) (i32.const 252) (i32.const 1)))))
  (func $check (param $lp i32) (param $ln i32) (param $got i32) (param $want i32)
    (call $check64 (local.get $lp) (local.get $ln) (i64.extend_i32_s (local.get $got)) (i64.extend_i32_s (local.get $want))))
  (data (i32.const 208) "MISMATCH ")
  (data (i32.const 224) ": expected ")
  (data (i32.const 240) ", got ")
  (data (i32.const 248) ": ")
  (data (i32.const 252) "\n")
"""


# ---- the modules -------------------------------------------------------------------------

MODULES = []   # Mod
CASES = []     # (area, case name, guest, functions, fields)
P1 = "wasi_snapshot_preview1"
U = "wasi_unstable"


def case(area, name, guest, funcs, **fields):
    CASES.append((area, name, guest, funcs, fields))


def i32(v):
    return f"(i32.const {v})"


def load32(a):
    return f"(i32.load (i32.const {a}))"


def le32(*vals):
    return b"".join(int(v).to_bytes(4, "little") for v in vals)


def le64(*vals):
    return b"".join(int(v).to_bytes(8, "little", signed=v < 0) for v in vals)


def hello(module, name):
    m = Mod(name, f"the smallest command: prints a line through {module}.fd_write.", module)
    p, n = m.s("hello from wat\n")
    m.raw(f"(call $print (i32.const {p}) (i32.const {n}))")
    MODULES.append(m)
    return m


hello(P1, "hello")
case("stdio", "wat_hello", "wat/hello", "fd_write proc_exit")

# proc_exit with many codes
for code in [0, 1, 77, 125, 126, 255, 256, 1000, 65536, 4294967295]:
    m = Mod(f"exit_{code}", f"prints a line, then proc_exit({code}); the case expects the full u32.", P1)
    m.say(f"exit {code}")
    m.raw(f"(call $proc_exit (i32.const {code - (1 << 32) if code >= 1 << 31 else code}))")
    MODULES.append(m)
    case("proc", f"wat_exit_{code}", f"wat/exit_{code}", "proc_exit")

m = Mod("start_returns", "_start returns without calling proc_exit: exit code 0.", P1)
m.start = False
m.say("returning from _start")
m.extra.append('  (func (export "_start") ' + " ".join(m.body) + ")")
MODULES.append(m)
case("proc", "wat_start_returns", "wat/start_returns", "fd_write")

m = Mod("exit_mid_output", "proc_exit(3) between two writes: the second never happens.", P1)
m.say("before")
m.raw("(call $proc_exit (i32.const 3))")
m.say("after")
MODULES.append(m)
case("proc", "wat_exit_mid_output", "wat/exit_mid_output", "proc_exit fd_write")

# overlapping iovecs
m = Mod("overlap_write", """fd_write with overlapping iovecs over the same buffer: the bytes go out
in iovec order, each iovec read as it is ("hello" "llo, " "" "o, ").""", P1)
m.data(4096, b"hello, world")
m.data(256, le32(4096, 5, 4098, 5, 4096, 0, 4100, 3))
m.check("fd_write(1, 4 overlapping iovecs)", m.call("fd_write", i32(1), i32(256), i32(4), i32(300)), 0)
m.say("")
m.check("nwritten", load32(300), 13)
MODULES.append(m)
case("hostile", "wat_overlap_write", "wat/overlap_write", "fd_write")

m = Mod("overlap_read", """fd_read and fd_pread into overlapping iovecs: data lands as if the iovecs
were filled one after the other ("hello" at 4096, then ", wor" at 4098: "he, wor").""", P1)
m.check("path_open(file.txt)", m.path_open(3, "file.txt"), 0)
m.data(256, le32(4096, 5, 4098, 5))
m.check("fd_read(2 overlapping iovecs)", m.call("fd_read", load32(200), i32(256), i32(2), i32(300)), 0)
m.check("nread", load32(300), 10)
m.raw("(call $print (i32.const 4096) (i32.const 7))")
m.say("")
m.data(272, le32(4200, 3, 4201, 3))
m.check("fd_pread(2 overlapping iovecs @ 7)", m.call("fd_pread", load32(200), i32(272), i32(2), "(i64.const 7)", i32(300)), 0)
m.check("nread", load32(300), 6)
m.raw("(call $print (i32.const 4200) (i32.const 4))")
MODULES.append(m)
case("hostile", "wat_overlap_read", "wat/overlap_read", "fd_read fd_pread path_open", dirs=["fixtures/base"])

# out of bounds
m = Mod("efault_bounds", """Pointers and lengths past the end of a one-page memory (65536 bytes), or
wrapping past 2^32: EFAULT, and nothing read or written. A zero-length range that ends
exactly at the end of memory is fine.""", P1)
m.data(256, le32(65530, 10, 0xFFFFFFFF, 2, 65536, 0, 65535, 2))
m.check("fd_write(iovs crossing the end)", m.call("fd_write", i32(1), i32(65532), i32(1), i32(16)), 21)
m.check("fd_write(iov buf crossing the end)", m.call("fd_write", i32(1), i32(256), i32(1), i32(16)), 21)
m.check("fd_write(iov buf wrapping past 2^32)", m.call("fd_write", i32(1), i32(264), i32(1), i32(16)), 21)
m.check("fd_write(empty iov at the end)", m.call("fd_write", i32(1), i32(272), i32(1), i32(16)), 0)
m.check("nwritten", load32(16), 0)
m.check("fd_write(nwritten crossing the end)", m.call("fd_write", i32(1), i32(272), i32(1), i32(65534)), 21)
m.check("fd_read(stdin, iov buf crossing the end)", m.call("fd_read", i32(0), i32(280), i32(1), i32(16)), 21)
m.check("random_get(65536, 0)", m.call("random_get", i32(65536), i32(0)), 0)
m.check("random_get(65537, 0)", m.call("random_get", i32(65537), i32(0)), 21)
m.check("random_get(65535, 2)", m.call("random_get", i32(65535), i32(2)), 21)
m.check("random_get(0xffffffff, 2)", m.call("random_get", i32(-1), i32(2)), 21)
m.check("args_sizes_get(65534, 16)", m.call("args_sizes_get", i32(65534), i32(16)), 21)
m.check("clock_time_get(monotonic, 65532)", m.call("clock_time_get", i32(1), "(i64.const 0)", i32(65532)), 21)
m.check("fd_prestat_dir_name(3, 65534, 4)", m.call("fd_prestat_dir_name", i32(3), i32(65534), i32(4)), 21)
m.check("path_open(path crossing the end)", m.call("path_open", i32(3), i32(1), i32(65530), i32(10), i32(0), "(i64.const 0)", "(i64.const 0)", i32(0), i32(200)), 21)
m.check("path_open(path wrapping)", m.call("path_open", i32(3), i32(1), i32(-16), i32(32), i32(0), "(i64.const 0)", "(i64.const 0)", i32(0), i32(200)), 21)
m.check("path_create_directory(path length 2^31)", m.call("path_create_directory", i32(3), i32(4096), i32(-(1 << 31))), 21)
m.check("poll_oneoff(subscription crossing the end)", m.call("poll_oneoff", i32(65520), i32(512), i32(1), i32(16)), 21)
m.check("fd_readdir(buf crossing the end)", m.call("fd_readdir", i32(3), i32(65500), i32(100), "(i64.const 0)", i32(16)), 21)
m.say("stdin still unread:")
m.data(288, le32(4096, 16))
m.check("fd_read(stdin)", m.call("fd_read", i32(0), i32(288), i32(1), i32(16)), 0)
m.raw("(call $print (i32.const 4096) (i32.load (i32.const 16)))")
MODULES.append(m)
case("hostile", "wat_efault_bounds", "wat/efault_bounds",
     "fd_write fd_read random_get args_sizes_get clock_time_get fd_prestat_dir_name path_open path_create_directory poll_oneoff fd_readdir",
     dirs=["fixtures/base"], stdin="abc\n")

# misaligned results
m = Mod("misaligned", """Result pointers and structures that are not aligned as the ABI requires
(u32 to 4, u64 and structs holding a u64 to 8): EINVAL.""", P1)
m.data(256, le32(4096, 0))
m.check("args_sizes_get(1001, 1008)", m.call("args_sizes_get", i32(1001), i32(1008)), 28)
m.check("environ_sizes_get(1000, 1006)", m.call("environ_sizes_get", i32(1000), i32(1006)), 28)
m.check("clock_res_get(monotonic, 1004)", m.call("clock_res_get", i32(1), i32(1004)), 28)
m.check("clock_time_get(monotonic, 1002)", m.call("clock_time_get", i32(1), "(i64.const 0)", i32(1002)), 28)
m.check("fd_fdstat_get(1, 1004)", m.call("fd_fdstat_get", i32(1), i32(1004)), 28)
m.check("fd_filestat_get(3, 1012)", m.call("fd_filestat_get", i32(3), i32(1012)), 28)
m.check("fd_prestat_get(3, 1002)", m.call("fd_prestat_get", i32(3), i32(1002)), 28)
m.check("fd_write(iovs at 1002)", m.call("fd_write", i32(1), i32(1002), i32(1), i32(1008)), 28)
m.check("fd_write(nwritten at 1001)", m.call("fd_write", i32(1), i32(256), i32(1), i32(1001)), 28)
m.check("path_open(fd out at 1001)", m.path_open(3, "file.txt", out=1001), 28)
m.check("path_filestat_get(result at 1004)", m.call("path_filestat_get", i32(3), i32(1), *[i32(x) for x in m.s("file.txt")], i32(1004)), 28)
m.check("poll_oneoff(subscriptions at 1004)", m.call("poll_oneoff", i32(1004), i32(2048), i32(1), i32(16)), 28)
m.check("poll_oneoff(nevents at 1002)", m.call("poll_oneoff", i32(1024), i32(2048), i32(1), i32(1002)), 28)
MODULES.append(m)
case("hostile", "wat_misaligned", "wat/misaligned",
     "args_sizes_get environ_sizes_get clock_res_get clock_time_get fd_fdstat_get fd_filestat_get fd_prestat_get fd_write path_open path_filestat_get poll_oneoff",
     dirs=["fixtures/base"])

# invalid path bytes
m = Mod("path_bytes", """Paths that are not valid UTF-8 (EILSEQ) or hold a NUL byte (EINVAL), for
every call that takes a path. Nothing is created.""", P1)
bad = [("\\xff", b"\xff", 25), ("overlong /", b"a\xc0\xafb", 25), ("lone continuation", b"\x80x", 25),
       ("truncated sequence", b"x\xe6\x97", 25), ("NUL", b"a\x00b", 28), ("trailing NUL", b"new\x00", 28)]
good_p, good_n = m.s("file.txt")
for label, b, want in bad:
    p, n = m.s(b)
    P = [i32(p), i32(n)]
    G = [i32(good_p), i32(good_n)]
    m.check(f"path_open({label})", m.call("path_open", i32(3), i32(1), *P, i32(1), "(i64.const 0)", "(i64.const 0)", i32(0), i32(200)), want)
    m.check(f"path_create_directory({label})", m.call("path_create_directory", i32(3), *P), want)
    m.check(f"path_filestat_get({label})", m.call("path_filestat_get", i32(3), i32(1), *P, i32(1024)), want)
    m.check(f"path_filestat_set_times({label})", m.call("path_filestat_set_times", i32(3), i32(0), *P, "(i64.const 0)", "(i64.const 0)", i32(10)), want)
    m.check(f"path_readlink({label})", m.call("path_readlink", i32(3), *P, i32(1024), i32(64), i32(16)), want)
    m.check(f"path_remove_directory({label})", m.call("path_remove_directory", i32(3), *P), want)
    m.check(f"path_unlink_file({label})", m.call("path_unlink_file", i32(3), *P), want)
    m.check(f"path_rename(old {label})", m.call("path_rename", i32(3), *P, i32(3), i32(m.s("x")[0]), i32(1)), want)
    m.check(f"path_rename(new {label})", m.call("path_rename", i32(3), *G, i32(3), *P), want)
    m.check(f"path_link(old {label})", m.call("path_link", i32(3), i32(0), *P, i32(3), i32(m.s("x")[0]), i32(1)), want)
    m.check(f"path_link(new {label})", m.call("path_link", i32(3), i32(0), *G, i32(3), *P), want)
    m.check(f"path_symlink(target {label})", m.call("path_symlink", *P, i32(3), i32(m.s("x")[0]), i32(1)), want)
    m.check(f"path_symlink(link {label})", m.call("path_symlink", *G, i32(3), *P), want)
MODULES.append(m)
case("path_open", "wat_path_bytes", "wat/path_bytes",
     "path_open path_create_directory path_filestat_get path_filestat_set_times path_readlink path_remove_directory path_unlink_file path_rename path_link path_symlink",
     dirs=["fixtures/base"])

# reactor
m = Mod("reactor", """A reactor: exports _initialize and run, no _start. _initialize sets a
counter to 41 and prints; run increments it, prints it, and returns.""", P1)
m.start = False
p1, n1 = m.s("initialized\n")
p2, n2 = m.s("run: counter = ")
p3, n3 = m.s("\n")
m.extra.append(f"""  (global $counter (mut i32) (i32.const 0))
  (func (export "_initialize")
    (global.set $counter (i32.const 41))
    (call $print (i32.const {p1}) (i32.const {n1})))
  (func (export "run")
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (call $print (i32.const {p2}) (i32.const {n2}))
    (call $num (i32.const 1) (i64.extend_i32_u (global.get $counter)))
    (call $print (i32.const {p3}) (i32.const {n3})))""")
MODULES.append(m)
case("proc", "wat_reactor", "wat/reactor", "fd_write", reactor=True, invoke="run")

m = Mod("reactor_exit", """A reactor whose exported function ends with proc_exit(5).""", P1)
m.start = False
p1, n1 = m.s("in work\n")
m.extra.append(f"""  (func (export "_initialize"))
  (func (export "work")
    (call $print (i32.const {p1}) (i32.const {n1}))
    (call $proc_exit (i32.const 5)))""")
MODULES.append(m)
case("proc", "wat_reactor_exit", "wat/reactor_exit", "proc_exit", reactor=True, invoke="work")

# args / environ printing
ARGS_BODY = """
    (local $argc i32) (local $size i32) (local $i i32) (local $p i32) (local $q i32)
    (local.set $e (call ${sizes} (i32.const 16) (i32.const 20)))
    (local.set $argc (i32.load (i32.const 16)))
    (local.set $size (i32.load (i32.const 20)))
    (local.set $e (call ${get} (i32.const 1024) (i32.const 4096)))
    (local.set $i (i32.const {first}))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $argc)))
      (local.set $p (i32.load (i32.add (i32.const 1024) (i32.shl (local.get $i) (i32.const 2)))))
      (local.set $q (local.get $p))
      (block $end (loop $scan
        (br_if $end (i32.eqz (i32.load8_u (local.get $q))))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $scan)))
      (call $print (i32.const {lb}) (i32.const 1))
      (call $print (local.get $p) (i32.sub (local.get $q) (local.get $p)))
      (call $print (i32.const {rb}) (i32.const 2))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
"""
for mod, pre in [(P1, ""), (U, "unstable_")]:
    for what, sizes, get, first in [("args", "args_sizes_get", "args_get", 1), ("environ", "environ_sizes_get", "environ_get", 0)]:
        m = Mod(f"{pre}{what}", f"""Prints every {what} string between brackets, one a line, read with
{sizes} and {get} (argv[0] is skipped: the runner chooses it).""", mod)
        m.used |= {sizes, get}
        lb, _ = m.s("[")
        rb, _ = m.s("]\n")
        m.start = False
        body = ARGS_BODY.format(sizes=sizes, get=get, first=first, lb=lb, rb=rb)
        m.extra.append('  (func (export "_start") (local $e i32)' + body + "    (call $proc_exit (local.get $e)))")
        MODULES.append(m)
    case("args_env", f"wat_{pre}args", f"wat/{pre}args", "args_get args_sizes_get",
         args=["one", "", "two words", "é", "x=y"], **({"version": "unstable"} if pre else {}))
    case("args_env", f"wat_{pre}environ", f"wat/{pre}environ", "environ_get environ_sizes_get",
         env={"ONLY": "a=b c"}, **({"version": "unstable"} if pre else {}))
case("args_env", "wat_environ_empty", "wat/environ", "environ_get environ_sizes_get")
case("args_env", "wat_args_none", "wat/args", "args_get args_sizes_get")


def u8(a):
    return f"(i32.load8_u (i32.const {a}))"


def u16(a):
    return f"(i32.load16_u (i32.const {a}))"


def u64(a):
    return f"(i64.load (i32.const {a}))"


FIND_X = """
  ;; offset of the dirent named "x" in [buf, buf+used), or -1
  (func $find_x (param $buf i32) (param $used i32) (result i32)
    (local $off i32) (local $n i32)
    (block $none (loop $l
      (br_if $none (i32.gt_u (i32.add (local.get $off) (i32.const 24)) (local.get $used)))
      (local.set $n (i32.load (i32.add (i32.add (local.get $buf) (local.get $off)) (i32.const 16))))
      (if (i32.and (i32.eq (local.get $n) (i32.const 1))
                   (i32.eq (i32.load8_u (i32.add (i32.add (local.get $buf) (local.get $off)) (i32.const 24))) (i32.const 120)))
        (then (return (local.get $off))))
      (local.set $off (i32.add (local.get $off) (i32.add (i32.const 24) (local.get $n))))
      (br $l)))
    (i32.const -1))
"""


def layouts(module, name, unstable):
    m = Mod(name, f"""Byte layout of filestat, fdstat, prestat, dirent and event ({module}).
{'filestat is 56 bytes: nlink is a u32 at 20, size a u64 at 24.' if unstable else 'filestat is 64 bytes: nlink is a u64 at 24, size a u64 at 32.'}""", module)
    m.extra.append(FIND_X)
    fs = 56 if unstable else 64
    # sentinel right after the struct
    m.data(1024 + fs, b"\xaa" * 8)
    fp, fn = m.s("file.txt")
    m.check("path_filestat_get(file.txt)", m.call("path_filestat_get", i32(3), i32(1), i32(fp), i32(fn), i32(1024)), 0)
    m.check("filetype at 16", u8(1040), 4)
    if unstable:
        m.check("nlink (u32) at 20", load32(1044), 1)
        m.check64("size (u64) at 24", u64(1048), 13)
    else:
        m.check64("nlink (u64) at 24", u64(1048), 1)
        m.check64("size (u64) at 32", u64(1056), 13)
    m.check(f"byte {fs} untouched", u8(1024 + fs), 0xAA)
    m.check("path_open(file.txt)", m.path_open(3, "file.txt"), 0)
    m.data(1152 + fs, b"\xbb" * 8)
    m.check("fd_filestat_get(file)", m.call("fd_filestat_get", load32(200), i32(1152)), 0)
    m.check(f"size at {24 if unstable else 32}", f"(i32.wrap_i64 {u64(1152 + (24 if unstable else 32))})", 13)
    m.check(f"byte {fs} untouched", u8(1152 + fs), 0xBB)
    dp, dn = m.s("dir")
    m.check("path_filestat_get(dir)", m.call("path_filestat_get", i32(3), i32(1), i32(dp), i32(dn), i32(1280)), 0)
    m.check("dir filetype at 16", u8(1296), 3)
    m.data(1400 + 24, b"\xcc")
    m.check("fd_fdstat_get(3)", m.call("fd_fdstat_get", i32(3), i32(1400)), 0)
    m.check("fs_filetype at 0", u8(1400), 3)
    m.check("fs_flags at 2", u16(1402), 0)
    m.check("byte 24 untouched", u8(1424), 0xCC)
    m.data(1500 + 8, b"\xdd")
    m.check("fd_prestat_get(3)", m.call("fd_prestat_get", i32(3), i32(1500)), 0)
    m.check("tag at 0 (dir)", u8(1500), 0)
    m.check("name length at 4", load32(1504), 4)
    m.check("byte 8 untouched", u8(1508), 0xDD)
    op, on = m.s("one")
    xp, xn = m.s("one/x")
    m.check("path_create_directory(one)", m.call("path_create_directory", i32(3), i32(op), i32(on)), 0)
    m.check("path_open(one/x, CREAT)", m.path_open(3, "one/x", oflags=1, rights=ALL_RIGHTS, out=204), 0)
    m.check("path_open(one, DIRECTORY)", m.path_open(3, "one", oflags=2, out=208), 0)
    m.check("fd_readdir(one)", m.call("fd_readdir", load32(208), i32(2048), i32(512), "(i64.const 0)", i32(212)), 0)
    m.raw("(global.set $x (call $find_x (i32.const 2048) (i32.load (i32.const 212))))")
    m.extra.append("  (global $x (mut i32) (i32.const 0))")
    m.check("found the dirent of x", "(i32.ge_s (global.get $x) (i32.const 0))", 1)
    m.check("d_namlen at 16", "(i32.load offset=2064 (global.get $x))", 1)
    m.check("d_type at 20", "(i32.load8_u offset=2068 (global.get $x))", 4)
    m.check("d_next at 0 is not 0", "(i64.ne (i64.load offset=2048 (global.get $x)) (i64.const 0))", 1)
    # poll event layout
    sub = 2560
    if unstable:
        m.data(sub, le64(0x1122334455667788) + b"\x00" * 8 + le64(0x99) + le32(1, 0) + le64(1000, 0) + b"\x00" * 8)
    else:
        m.data(sub, le64(0x1122334455667788) + b"\x00" * 8 + le32(1, 0) + le64(1000, 0) + b"\x00" * 8)
    m.data(2816 + 32, b"\xee")
    m.check("poll_oneoff(1 clock)", m.call("poll_oneoff", i32(sub), i32(2816), i32(1), i32(216)), 0)
    m.check("nevents", load32(216), 1)
    m.check("event userdata at 0", f"(i64.eq {u64(2816)} (i64.const 0x1122334455667788))", 1)
    m.check("event error at 8", u16(2824), 0)
    m.check("event type at 10", u8(2826), 0)
    m.check("byte 32 untouched", u8(2848), 0xEE)
    MODULES.append(m)
    case("layout", f"wat_{name}", f"wat/{name}",
         "path_filestat_get fd_filestat_get fd_fdstat_get fd_prestat_get fd_readdir poll_oneoff path_open path_create_directory",
         dirs=["fixtures/base"], **({"version": "unstable"} if unstable else {}))


layouts(P1, "layout", False)
layouts(U, "unstable_layout", True)


def seek(module, name, unstable):
    SET, CUR, END = (2, 0, 1) if unstable else (0, 1, 2)
    m = Mod(name, f"""fd_seek whence numbering in {module}: set={SET}, cur={CUR}, end={END}.""", module)
    m.check("path_open(file.txt)", m.path_open(3, "file.txt"), 0)
    fd = load32(200)
    m.check(f"fd_seek(5, whence={SET} (set))", m.call("fd_seek", fd, "(i64.const 5)", i32(SET), i32(208)), 0)
    m.check("offset", f"(i32.wrap_i64 {u64(208)})", 5)
    m.check(f"fd_seek(2, whence={CUR} (cur))", m.call("fd_seek", fd, "(i64.const 2)", i32(CUR), i32(208)), 0)
    m.check("offset", f"(i32.wrap_i64 {u64(208)})", 7)
    m.check(f"fd_seek(-1, whence={END} (end))", m.call("fd_seek", fd, "(i64.const -1)", i32(END), i32(208)), 0)
    m.check("offset", f"(i32.wrap_i64 {u64(208)})", 12)
    m.check("fd_tell", m.call("fd_tell", fd, i32(208)), 0)
    m.check("offset", f"(i32.wrap_i64 {u64(208)})", 12)
    m.check("fd_seek(0, whence=3)", m.call("fd_seek", fd, "(i64.const 0)", i32(3), i32(208)), 28)
    MODULES.append(m)
    case("layout", f"wat_{name}", f"wat/{name}", "fd_seek fd_tell path_open", dirs=["fixtures/base"],
         **({"version": "unstable"} if unstable else {}))


seek(P1, "seek_whence", False)
seek(U, "unstable_seek_whence", True)


def poll_two(module, name, unstable):
    size = 56 if unstable else 48
    m = Mod(name, f"""poll_oneoff with two clock subscriptions laid out {size} bytes apart ({module}
{'subscription_clock starts with a u64 identifier' if unstable else 'subscription_clock has no identifier'}):
the 1 ms one fires, the 60 s one does not.""", module)

    def sub(userdata, timeout):
        if unstable:
            return le64(userdata) + b"\x00" * 8 + le64(0xABCD) + le32(1, 0) + le64(timeout, 0) + le32(0, 0)
        return le64(userdata) + b"\x00" * 8 + le32(1, 0) + le64(timeout, 0) + le32(0, 0)

    m.data(2560, sub(0x77, 60_000_000_000) + sub(0x88, 1_000_000))
    m.check("poll_oneoff(2 clocks)", m.call("poll_oneoff", i32(2560), i32(3072), i32(2), i32(216)), 0)
    m.check("nevents", load32(216), 1)
    m.check("userdata of the event", f"(i32.wrap_i64 {u64(3072)})", 0x88)
    m.check("type", u8(3082), 0)
    m.check("error", u16(3080), 0)
    MODULES.append(m)
    case("poll", f"wat_{name}", f"wat/{name}", "poll_oneoff", **({"version": "unstable"} if unstable else {}))


poll_two(P1, "poll_two_clocks", False)
poll_two(U, "unstable_poll_two_clocks", True)

hello(U, "unstable_hello")
case("stdio", "wat_unstable_hello", "wat/unstable_hello", "fd_write proc_exit", version="unstable")
m = Mod("unstable_exit", "wasi_unstable proc_exit(9).", U)
m.say("exit 9")
m.raw("(call $proc_exit (i32.const 9))")
MODULES.append(m)
case("proc", "wat_unstable_exit", "wat/unstable_exit", "proc_exit", version="unstable")

m = Mod("memory_grow", """Buffers in memory grown by memory.grow are usable at once; past the new
end is still EFAULT.""", P1)
m.check("memory.grow(2) returns the old size", "(memory.grow (i32.const 2))", 1)
m.check("random_get into the new pages", m.call("random_get", i32(70000), i32(64)), 0)
m.raw("(i64.store (i32.const 131000) (i64.const 0x0a6e776f7267))")  # "grown\n"
m.data(256, le32(131000, 6, 196600, 16))
m.check("fd_write from the new pages", m.call("fd_write", i32(1), i32(256), i32(1), i32(16)), 0)
m.check("fd_write crossing the new end", m.call("fd_write", i32(1), i32(264), i32(1), i32(16)), 21)
MODULES.append(m)
case("hostile", "wat_memory_grow", "wat/memory_grow", "random_get fd_write")

m = Mod("stdin_echo", "Reads stdin with raw fd_read calls of 4 bytes and echoes it.", P1)
m.data(256, le32(4096, 4))
m.start = False
m.extra.append("""  (func (export "_start") (local $e i32)
    (block $eof (loop $l
      (local.set $e (call $fd_read (i32.const 0) (i32.const 256) (i32.const 1) (i32.const 16)))
      (br_if $eof (local.get $e))
      (br_if $eof (i32.eqz (i32.load (i32.const 16))))
      (call $print (i32.const 4096) (i32.load (i32.const 16)))
      (br $l)))
    (call $proc_exit (local.get $e)))""")
m.used.add("fd_read")
MODULES.append(m)
case("stdio", "wat_stdin_echo", "wat/stdin_echo", "fd_read fd_write", stdin="raw stdin\nsecond line\n")
case("stdio", "wat_stdin_echo_empty", "wat/stdin_echo", "fd_read fd_write")


def expected_stdout(guest):
    """The stdout a generated module prints when every check matches, if it is known."""
    name = guest.split("/", 1)[1]
    for m in MODULES:
        if m.name == name and m.start and m.expected is not None:
            return "".join(m.expected)
    return None


def main():
    keep = {m.name + ".wat" for m in MODULES}
    for f in HERE.glob("*.wat"):
        if f.name not in keep:
            f.unlink()
    for m in MODULES:
        (HERE / f"{m.name}.wat").write_text(m.emit())
    print(f"{len(MODULES)} modules, {len(CASES)} cases")


if __name__ == "__main__":
    main()
