/* Fuzz target: tp-write's row path (routing, quoting, gzip output). */
#define TP_FUZZ_ARGS "-f", "tsv.gz", "--on-bad-row", "skip", "build/fuzz/out"
#include "driver.c"
