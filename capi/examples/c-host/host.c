/*
 * A C host for wasibox: runs one WASI command translated to C by wasm2c (WABT), with
 * every WASI import served by wasibox through its C API.
 *
 * Build (see capi/examples/run.sh, which does all of this):
 *   wasm2c -n guest GUEST.wasm -o guest.c
 *   cc -I. -Icapi/include host.c guest.c -lwasm-rt-impl libwasibox_capi.a -lpthread -ldl -lm
 *
 * Usage:
 *   host [--backend posix|mem] [--unstable] [--enforce] [--dir HOST::GUEST]...
 *        [--env KEY=VALUE]... [--stdin-file FILE] [--status-file FILE] -- ARGV0 [ARGS]...
 *
 * The guest's exit code (proc_exit, or 0 when _start returns) becomes the host's (its
 * low 8 bits; --status-file receives the whole u32); a trap exits with 134, a setup
 * failure with 125. With the mem backend, stdin is the content
 * of --stdin-file (default: empty) and the captured stdout/stderr are copied to the
 * host's at the end; with posix the guest uses the host's descriptors 0, 1, 2.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
#include "wasibox.h"

/* The wasm2c runtime's trap target (its wasm-rt-impl.h, which Debian does not ship). */
extern WASM_RT_UNWIND_TARGET wasm_rt_jmp_buf;

/* What every import shim needs: the context, the guest's memory, where to go on exit. */
struct host {
  wasibox_ctx *ctx;
  wasm_rt_memory_t *memory;
  jmp_buf exit_jmp;
  uint32_t exit_code;
};

/* The import "instances" wasm2c hands to each shim: one per import module. */
struct Z_wasi_snapshot_preview1_instance_t {
  struct host *host;
};
struct Z_wasi_unstable_instance_t {
  struct host *host;
};

/* Run one WASI call; a guest that ended does not get control back. */
static uint32_t dispatch(struct host *h, uint32_t id, const uint64_t *args, size_t nargs) {
  uint8_t *base = h->memory ? h->memory->data : NULL;
  size_t len = h->memory ? (size_t)h->memory->size : 0;
  uint32_t status = 0;
  int32_t r = wasibox_call(h->ctx, id, args, nargs, base, len, &status);
  if (r >= 0) return (uint32_t)r;
  if (r == WASIBOX_EXITED) {
    h->exit_code = status;
  } else if (r == WASIBOX_SIGNALED) {
    h->exit_code = 128 + status;
  } else {
    fprintf(stderr, "host: wasibox_call(%s): %s: %s\n", wasibox_func_name(id), wasibox_status_name(r),
            wasibox_last_error());
    h->exit_code = 125;
  }
  longjmp(h->exit_jmp, 1);
}

/* One shim per WASI function and import module, generated from the header's table. */
#define RET_TYPE_1 u32
#define RET_TYPE_0 void
#define RETURN_1 return
#define RETURN_0 (void)
#define SHIM(module, name, id, returns_errno, nparams, params, args)                            \
  RET_TYPE_##returns_errno Z_##module##Z_##name(struct Z_##module##_instance_t *inst             \
                                                    WASIBOX_UNPAREN params) {                   \
    const uint64_t a[] = {WASIBOX_UNPAREN args};                                                 \
    RETURN_##returns_errno dispatch(inst->host, id, a, nparams);                                 \
  }
#define SHIM_PREVIEW1(name, id, returns_errno, nparams, params, args) \
  SHIM(wasi_snapshot_preview1, name, id, returns_errno, nparams, params, args)
#define SHIM_UNSTABLE(name, id, returns_errno, nparams, params, args) \
  SHIM(wasi_unstable, name, id, returns_errno, nparams, params, args)
WASIBOX_FOR_EACH_FUNC(SHIM_PREVIEW1)
WASIBOX_FOR_EACH_FUNC(SHIM_UNSTABLE)

static int check(int32_t status, const char *what) {
  if (status == WASIBOX_OK) return 0;
  fprintf(stderr, "host: %s: %s: %s\n", what, wasibox_status_name(status), wasibox_last_error());
  return 1;
}

static int usage(void) {
  fprintf(stderr,
          "usage: host [--backend posix|mem] [--unstable] [--enforce] [--dir HOST::GUEST]...\n"
          "            [--env KEY=VALUE]... [--stdin-file FILE] [--status-file FILE] -- ARGV0 [ARGS]...\n");
  return 125;
}

/* Read a whole file (for --stdin-file with the mem backend). */
static int read_file(const char *path, uint8_t **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return 1;
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      uint8_t *bigger = realloc(buf, cap *= 2);
      if (!bigger) free(buf);
      buf = bigger;
    }
  }
  fclose(f);
  if (!buf) return 1;
  *data = buf;
  *len = n;
  return 0;
}

/* Mem backend: copy what the guest wrote to fd 1 or 2 out to the host's. */
static void flush_output(wasibox_ctx *ctx, uint32_t fd, FILE *to) {
  uint8_t buf[4096];
  size_t n = 0;
  while (wasibox_ctx_take_output(ctx, fd, buf, sizeof buf, &n) == WASIBOX_OK && n > 0) fwrite(buf, 1, n, to);
  fflush(to);
}

int main(int argc, char **argv) {
  wasibox_config *cfg = wasibox_config_new();
  if (!cfg) return 125;
  int i = 1, mem = 0;
  const char *stdin_file = NULL, *status_file = NULL;
  for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--unstable")) {
      if (check(wasibox_config_set_version(cfg, WASIBOX_VERSION_UNSTABLE), "version")) return 125;
    } else if (!strcmp(a, "--enforce")) {
      if (check(wasibox_config_set_rights_policy(cfg, WASIBOX_RIGHTS_ENFORCE), "rights")) return 125;
    } else if (!strcmp(a, "--backend") && v) {
      mem = !strcmp(v, "mem");
      if (check(wasibox_config_set_backend(cfg, mem ? WASIBOX_BACKEND_MEM : WASIBOX_BACKEND_POSIX), "backend"))
        return 125;
      i++;
    } else if (!strcmp(a, "--dir") && v) {
      const char *sep = strstr(v, "::");
      if (!sep) return usage();
      if (check(wasibox_config_preopen(cfg, sep + 2, strlen(sep + 2), v, (size_t)(sep - v), 0), "preopen"))
        return 125;
      i++;
    } else if (!strcmp(a, "--env") && v) {
      const char *eq = strchr(v, '=');
      if (!eq) return usage();
      if (check(wasibox_config_push_env(cfg, v, (size_t)(eq - v), eq + 1, strlen(eq + 1)), "env")) return 125;
      i++;
    } else if (!strcmp(a, "--status-file") && v) {
      status_file = v;
      i++;
    } else if (!strcmp(a, "--stdin-file") && v) {
      stdin_file = v;
      i++;
    } else {
      return usage();
    }
  }
  if (i + 1 >= argc) return usage();
  for (i++; i < argc; i++) {
    if (check(wasibox_config_push_arg(cfg, argv[i], strlen(argv[i])), "arg")) return 125;
  }
  if (mem && stdin_file) {
    uint8_t *data = NULL;
    size_t len = 0;
    if (read_file(stdin_file, &data, &len)) {
      fprintf(stderr, "host: cannot read %s\n", stdin_file);
      return 125;
    }
    int bad = check(wasibox_config_set_stdin_bytes(cfg, data, len), "stdin");
    free(data);
    if (bad) return 125;
  } else if (stdin_file && !freopen(stdin_file, "rb", stdin)) {
    fprintf(stderr, "host: cannot open %s\n", stdin_file);
    return 125;
  }

  static struct host host; /* static: it must survive the longjmp back into main */
  if (check(wasibox_ctx_new(cfg, &host.ctx), "context")) return 125;
  wasibox_config_free(cfg);

  wasm_rt_init();
  Z_guest_init_module();
  static Z_guest_instance_t instance;
  /* wasm2c's instantiate takes one instance per import module: the guest's WASI one. */
#ifdef GUEST_IMPORTS_UNSTABLE
  static struct Z_wasi_unstable_instance_t wasi;
#else
  static struct Z_wasi_snapshot_preview1_instance_t wasi;
#endif
  wasi.host = &host;
  Z_guest_instantiate(&instance, &wasi);
  host.memory = Z_guestZ_memory(&instance);

  int trap = 0;
  if (setjmp(host.exit_jmp) == 0) {
    trap = WASM_RT_SETJMP(wasm_rt_jmp_buf);
    if (trap == 0) {
      Z_guestZ__start(&instance);
      host.exit_code = 0;
    } else {
      fprintf(stderr, "host: wasm trap: %s\n", wasm_rt_strerror((wasm_rt_trap_t)trap));
      host.exit_code = 134;
    }
  }
  if (mem) {
    flush_output(host.ctx, 1, stdout);
    flush_output(host.ctx, 2, stderr);
  }
  Z_guest_free(&instance);
  wasm_rt_free();
  wasibox_ctx_free(host.ctx);
  if (status_file) {
    FILE *f = fopen(status_file, "w");
    if (!f || fprintf(f, "%lu\n", (unsigned long)host.exit_code) < 0 || fclose(f) != 0) return 125;
  }
  /* A process status keeps only the low 8 bits; --status-file has the full u32. */
  return (int)(host.exit_code & 0xff);
}
