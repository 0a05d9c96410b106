/* Fuzz target: tp-transform's row path, against the context of tests/fuzz/sample.csv. */
#define TP_FUZZ_ARGS "-c", "build/fuzz/ctx", "-n", "0", "--on-bad-row", "skip"
#include "driver.c"
