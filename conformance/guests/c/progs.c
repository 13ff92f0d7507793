/* progs: small everyday C programs through wasi-libc, chosen by argv[1]:
 *   exit N         print a line, exit(N) (the full int goes to proc_exit)
 *   return N       return N from main
 *   env            print environ sorted, then getenv() of each further argument
 *   args           print argc and every argument after the mode
 *   cat FILE...    copy files (or stdin for "-") to stdout; errors to stderr, exit 1
 *   lines          number the lines of stdin (fgets), count on stderr
 *   printf         formatted output (integers, floats, strings, padding)
 *   stderr         interleave stdout and stderr, unbuffered
 *   find DIR...    recursive listing: type, size (files), link target (symlinks), sorted
 *   append FILE S  fopen(FILE, "a"), write S, close; then print the whole file */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const char *ename(int e) {
    switch (e) {
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "E?";
    }
}

static char *lines_[4096];
static int nlines;

static void walk(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "find: %s: %s\n", path, ename(errno));
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[1024], line[2048];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) < 0) {
            snprintf(line, sizeof line, "? %s %s", p, ename(errno));
        } else if (S_ISLNK(st.st_mode)) {
            char t[512];
            ssize_t n = readlink(p, t, sizeof t - 1);
            t[n < 0 ? 0 : n] = 0;
            snprintf(line, sizeof line, "l %s -> %s", p, t);
        } else if (S_ISDIR(st.st_mode)) {
            snprintf(line, sizeof line, "d %s", p);
            walk(p);
        } else {
            snprintf(line, sizeof line, "f %s %lld", p, (long long)st.st_size);
        }
        if (nlines < 4096) lines_[nlines++] = strdup(line);
    }
    closedir(d);
}

int main(int argc, char **argv) {
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "exit")) {
        printf("exit(%s)\n", argv[2]);
        exit(atoi(argv[2]));
    } else if (!strcmp(mode, "return")) {
        printf("return %s\n", argv[2]);
        return atoi(argv[2]);
    } else if (!strcmp(mode, "env")) {
        int n = 0;
        while (environ[n]) n++;
        char **v = malloc(sizeof *v * (n + 1));
        memcpy(v, environ, sizeof *v * n);
        qsort(v, n, sizeof *v, cmp);
        printf("%d variables\n", n);
        for (int i = 0; i < n; i++) printf("[%s]\n", v[i]);
        for (int i = 2; i < argc; i++) {
            const char *g = getenv(argv[i]);
            printf("getenv(%s) = %s%s%s\n", argv[i], g ? "\"" : "", g ? g : "NULL", g ? "\"" : "");
        }
    } else if (!strcmp(mode, "args")) {
        printf("argc - 2 = %d\n", argc - 2);
        for (int i = 2; i < argc; i++) printf("argv[%d] = [%s] (%zu bytes)\n", i, argv[i], strlen(argv[i]));
    } else if (!strcmp(mode, "cat")) {
        int rc = 0;
        for (int i = 2; i < argc; i++) {
            FILE *f = strcmp(argv[i], "-") ? fopen(argv[i], "rb") : stdin;
            if (!f) {
                fprintf(stderr, "cat: %s: %s\n", argv[i], ename(errno));
                rc = 1;
                continue;
            }
            char b[512];
            size_t n;
            while ((n = fread(b, 1, sizeof b, f)) > 0) fwrite(b, 1, n, stdout);
            if (f != stdin) fclose(f);
        }
        return rc;
    } else if (!strcmp(mode, "lines")) {
        char b[256];
        int n = 0;
        while (fgets(b, sizeof b, stdin)) printf("%3d: %s", ++n, b);
        fprintf(stderr, "%d lines\n", n);
    } else if (!strcmp(mode, "printf")) {
        printf("[%d] [%5d] [%-5d] [%05d] [%x] [%X] [%o]\n", -42, 42, 42, 42, 255, 255, 8);
        printf("[%.3f] [%e] [%g] [%10.2f]\n", 3.14159265, 12345.678, 0.0001, -2.5);
        printf("[%s] [%10s] [%-10s] [%.2s] [%c]\n", "str", "right", "left", "cut", 'c');
        printf("[%lld] [%llu] [%zu] [%%]\n", -9223372036854775807LL - 1, 18446744073709551615ULL, sizeof(long long));
    } else if (!strcmp(mode, "stderr")) {
        setvbuf(stdout, NULL, _IONBF, 0);
        for (int i = 0; i < 3; i++) {
            printf("out %d\n", i);
            fprintf(stderr, "err %d\n", i);
        }
    } else if (!strcmp(mode, "find")) {
        for (int i = 2; i < argc; i++) walk(argv[i]);
        qsort(lines_, nlines, sizeof *lines_, cmp);
        for (int i = 0; i < nlines; i++) puts(lines_[i]);
        printf("%d entries\n", nlines);
    } else if (!strcmp(mode, "append")) {
        FILE *f = fopen(argv[2], "a");
        if (!f) {
            fprintf(stderr, "append: %s: %s\n", argv[2], ename(errno));
            return 1;
        }
        fputs(argv[3], f);
        fclose(f);
        f = fopen(argv[2], "r");
        char b[256] = {0};
        size_t n = fread(b, 1, sizeof b - 1, f);
        printf("%zu bytes: [%s]\n", n, b);
    } else {
        fprintf(stderr, "unknown mode\n");
        return 2;
    }
    return 0;
}
