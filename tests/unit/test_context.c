/* The context: the --concat spec parse (the one used by tp-context's options and the merge). */
#include "context.h"
#include "err.h"
#include "reader.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "NAME:COL|COL" of a spec, or "ERR" */
static const char *
concat(const char *spec)
{
    static char buf[256];
    char *name, **cols;
    long n = tp_concat_parse(spec, &name, &cols);
    if (n < 0)
        return "ERR";
    size_t len = (size_t)snprintf(buf, sizeof buf, "%s:", name);
    for (long i = 0; i < n; i++)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "|" : "", cols[i]);
    tp_strv_free(cols, (size_t)n);
    free(name);
    return buf;
}

void
test_context(void)
{
    CHECK(strcmp(concat("t=a,b,c"), "t:a|b|c") == 0);
    CHECK(strcmp(concat("t=a"), "t:a") == 0);
    CHECK(strcmp(concat("t=a=b,c"), "t:a=b|c") == 0); /* the first '=' ends NAME */
    CHECK(strcmp(concat("a b=c d"), "a b:c d") == 0);
    CHECK(strcmp(concat("noequals"), "ERR") == 0);
    CHECK(strstr(tp_errmsg(), "--concat: expected NAME=COL,COL,...: 'noequals'") != NULL);
    CHECK(strcmp(concat("=a"), "ERR") == 0);
    CHECK(strcmp(concat("t="), "ERR") == 0);
    CHECK(strcmp(concat("t=a,"), "ERR") == 0);
    CHECK(strcmp(concat("t=,a"), "ERR") == 0);
    CHECK(strcmp(concat("t=a,,b"), "ERR") == 0);
    CHECK(strcmp(concat("t=,"), "ERR") == 0);
    CHECK(strcmp(concat("tp:split=a"), "ERR") == 0);
    CHECK(strstr(tp_errmsg(), "'tp:split' is reserved") != NULL);
    CHECK(strcmp(concat("tp:splitx=a"), "tp:splitx:a") == 0);
}

/*
 * tp_context_read_shard against tp_context_read on a context of 20,000 shards (even
 * numbers 0..39998, paths of varying length, some long, so that the binary search
 * probes land inside long records), well past the 64 KiB its search narrows to.
 */
void
test_context_shard(void)
{
    char dir[] = "/tmp/tp-unit-ctx.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[64];
    snprintf(path, sizeof path, "%s/context", dir);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fprintf(f, "tp-context\t2\nheader\t1\nin\tid\t1\t0\t1\t1\t0\t0\t1\t1\t1\t1\t1\t0\n"
               "out\tid\tint64\nroles\t-1\t-1\t-1\t0\t-1\njob\ttesting\tnone\t0.7\t0.5\t42\n"
               "rows\t1\t0\t0\t0\ncutoff\t0\t0\t0\t0\n");
    long long before = 0;
    for (long s = 0; s < 40000; s += 2) {
        fprintf(f, "shard\t%ld\t%ld\t0\t0\t0\t0\t%ld\t0\tin/", s, s % 11, s % 7);
        for (long k = 0; k < (s % 97 == 0 ? 300 : s % 13); k++)
            fputc('d', f);
        fprintf(f, "\\tpart-%05ld.csv\t%ld\t%08lx\t%lld\n", s, 100 + s, (unsigned long)s * 2654435761u % 4294967296u,
                before);
        before += s % 7;
    }
    fprintf(f, "end\n");
    CHECK(fclose(f) == 0);
    tp_context *all = tp_context_read(dir);
    CHECK(all != NULL && all->nshards == 20000);
    long probes[] = {0, 2, 4, 194, 9700, 19998, 20000, 20001, 33950, 39996, 39998, 39999, 40000, 1, 77777};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        tp_context *one = tp_context_read_shard(dir, probes[i]);
        CHECK(one != NULL);
        long si = tp_context_shard(all, probes[i]);
        if (si < 0) {
            CHECK(one->nshards == 0);
        } else {
            const tp_shardinfo *a = &all->shards[si], *b = &one->shards[0];
            CHECK(one->nshards == 1 && b->source == NULL);
            CHECK(a->shard == b->shard && a->rows == b->rows && a->kept == b->kept &&
                  a->bytes == b->bytes && a->crc == b->crc && a->before == b->before);
        }
        CHECK(one->nin == 1 && strcmp(one->job, "testing") == 0);
        tp_context_free(one);
    }
    CHECK(all->shards[19999].before == before - 39998 % 7);
    tp_context_free(all);
    /* a context cut before its end is an error for both */
    f = fopen(path, "r+");
    CHECK(f != NULL && fseek(f, 0, SEEK_END) == 0);
    long size = ftell(f);
    CHECK(fclose(f) == 0 && truncate(path, size - 4) == 0);
    CHECK(tp_context_read_shard(dir, 4) == NULL);
    CHECK(strstr(tp_errmsg(), "truncated context") != NULL);
    CHECK(tp_context_read(dir) == NULL);
    unlink(path);
    rmdir(dir);
}
