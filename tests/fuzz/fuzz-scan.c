/* Fuzz target: tp-scan's row path (bad rows skipped, distinct values, dedup, temporal). */
#define TP_FUZZ_ARGS "-l", "label", "--distinct", "--on-bad-row", "skip", "-o", "/dev/null"
#include "driver.c"
