// build: reactor
/* reactor: a C reactor (-mexec-model=reactor): wasi-libc's _initialize runs the
 * constructors; the exported functions keep state between calls. */
#include <stdio.h>
#include <stdlib.h>

static int counter;

__attribute__((constructor)) static void init(void) {
    counter = 100;
    const char *v = getenv("REACTOR_START");
    if (v) counter = atoi(v);
}

__attribute__((export_name("step"))) void step(void) {
    counter++;
    printf("step: counter = %d\n", counter);
    fflush(stdout);
}
