/* Fuzz target: tp-split's row path (temporal split, audit records). */
#define TP_FUZZ_ARGS "-c", "build/fuzz/ctx", "-n", "0", "-a", "/dev/null", "--on-bad-row", "skip"
#include "driver.c"
