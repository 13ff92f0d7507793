/* The checker used by the C guests: one line per check on stdout
 * ("label: ok", "label: ENOENT", "label = value"), a "MISMATCH label: expected E, got G"
 * line on stderr for each check that did not give what the program expects, and
 * exit status 1 if there was any. Same protocol as the Rust guests (rust/src/lib.rs).
 * Builds with wasi-libc and natively (so that a case can be compared with Linux). */
#ifndef WASIBOX_CHECK_H
#define WASIBOX_CHECK_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_failed;

static const char *ename(int e) {
    static char buf[32];
    switch (e) {
    case 0: return "ok";
#define N(x) case x: return #x;
        N(E2BIG) N(EACCES) N(EAGAIN) N(EBADF) N(EBUSY) N(ECHILD) N(EEXIST) N(EFAULT) N(EFBIG)
        N(EILSEQ) N(EINTR) N(EINVAL) N(EIO) N(EISDIR) N(ELOOP) N(EMFILE) N(EMLINK)
        N(ENAMETOOLONG) N(ENOENT) N(ENOMEM) N(ENOSPC) N(ENOSYS) N(ENOTDIR) N(ENOTEMPTY)
        N(ENOTSOCK) N(ENOTSUP) N(ENOTTY) N(ENXIO) N(EOVERFLOW) N(EPERM) N(EPIPE) N(EROFS)
        N(ESPIPE) N(ETIMEDOUT) N(EXDEV) N(ENOTCONN) N(ERANGE) N(EDOM)
#ifdef ENOTCAPABLE
        N(ENOTCAPABLE)
#endif
#undef N
    default: snprintf(buf, sizeof buf, "errno=%d", e); return buf;
    }
}

static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void mismatch(const char *label, const char *exp, const char *got) {
    g_failed = 1;
    fprintf(stderr, "MISMATCH %s: expected %s, got %s\n", label, exp, got);
    fflush(stderr);
}

/* errno of a call that returns -1 (or NULL) on failure; 0 on success */
#define ERR(call) ((call) < 0 ? errno : 0)
#define ERRP(call) ((call) == NULL ? errno : 0)

static void ck(const char *label, int got, int expected) {
    say("%s: %s", label, ename(got));
    if (got != expected) {
        char e[32];
        snprintf(e, sizeof e, "%s", ename(expected));
        mismatch(label, e, ename(got));
    }
}

static void ckl(const char *label, long long got, long long expected) {
    say("%s = %lld", label, got);
    if (got != expected) {
        char e[32], g[32];
        snprintf(e, sizeof e, "%lld", expected);
        snprintf(g, sizeof g, "%lld", got);
        mismatch(label, e, g);
    }
}

static void cks(const char *label, const char *got, const char *expected) {
    say("%s = \"%s\"", label, got ? got : "(null)");
    if (!got || strcmp(got, expected) != 0) {
        char e[512], g[512];
        snprintf(e, sizeof e, "\"%s\"", expected);
        snprintf(g, sizeof g, "\"%s\"", got ? got : "(null)");
        mismatch(label, e, g);
    }
}

static void ckb(const char *label, int cond) {
    say("%s = %s", label, cond ? "true" : "false");
    if (!cond) mismatch(label, "true", "false");
}

/* A setup step that must work; ends the case otherwise. */
#define MUST(call)                                                                   \
    do {                                                                             \
        if ((call) < 0) {                                                            \
            mismatch(#call, "ok", ename(errno));                                     \
            exit(1);                                                                 \
        }                                                                            \
    } while (0)

static int finish(void) {
    fflush(stdout);
    return g_failed ? 1 : 0;
}

typedef void (*case_fn)(void);
struct case_entry {
    const char *name, *area, *funcs, *dirs;
    case_fn fn;
};

/* main() for a multi-case program: argv[1] is the case name, or --list. */
static int run_cases(const struct case_entry *cases, int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CASE | --list\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (const struct case_entry *c = cases; c->name; c++)
            printf("%s\t%s\t%s\t%s\tcompat\n", c->name, c->area, c->funcs, c->dirs);
        return 0;
    }
    for (const struct case_entry *c = cases; c->name; c++) {
        if (strcmp(c->name, argv[1]) == 0) {
            c->fn();
            return finish();
        }
    }
    fprintf(stderr, "unknown case %s\n", argv[1]);
    return 2;
}

#endif
