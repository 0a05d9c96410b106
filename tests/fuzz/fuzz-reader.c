/*
 * Fuzz target: the row reader alone, under each bad-row policy, as CSV and TSV, and the
 * value parsers on every field. The first input byte picks the variant.
 */
#define _GNU_SOURCE
#include "reader.h"
#include "value.h"

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

static int
on_row(void *arg, const tp_row *row)
{
    (void)arg;
    for (size_t i = 0; i < row->n; i++) {
        int64_t v;
        double d;
        int b;
        tp_is_missing(row->f[i], row->len[i]);
        tp_parse_int64(row->f[i], row->len[i], &v);
        tp_parse_double(row->f[i], row->len[i], &d);
        tp_parse_bool(row->f[i], row->len[i], &b);
        tp_parse_time(row->f[i], row->len[i], &v);
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    int fd = memfd_create("tp-fuzz", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1)) {
        close(fd);
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    tp_reader *r = tp_reader_open(path, data[0] & 1 ? '\t' : ',', NULL, 0);
    if (r) {
        tp_reader_policy(r, (data[0] >> 1) % 3, NULL);
        tp_reader_run(r, NULL, on_row, NULL);
        tp_reader_close(r);
    }
    close(fd);
    return 0;
}
