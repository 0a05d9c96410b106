/*
 * Reading a tally back (op.h): the counts per distinct value that an operation's finish
 * consumes in order, from a file the driver sorted and reduced through sort(1), so that
 * a vocabulary or a median over more values than fit in memory is read as a stream.
 */
#include "op.h"

#include "err.h"
#include "record.h"
#include "text.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tp_tally_rd {
    tp_lines *l;
    int numbers;
    char num[32];
};

tp_tally_rd *
tp_tally_open(const char *path, int numbers)
{
    tp_lines *l = tp_lines_open(path);
    if (!l)
        return NULL;
    tp_tally_rd *r = tp_xcalloc(1, sizeof *r);
    r->l = l;
    r->numbers = numbers;
    return r;
}

void
tp_tally_close(tp_tally_rd *r)
{
    if (!r)
        return;
    tp_lines_close(r->l);
    free(r);
}

int
tp_tally_next(tp_tally_rd *r, const char **value, size_t *n, double *x, long long *count)
{
    char **f;
    size_t nf;
    int rc = tp_lines_next(r->l, &f, &nf);
    if (rc <= 0)
        return rc;
    if (nf < 2 || nf > 3 || tp_field_int(f[nf - 1], count) < 0 || *count < 1) {
        tp_err(tp_lines_name(r->l), tp_lines_line(r->l), "malformed tally record");
        return -1;
    }
    const char *v = f[nf - 2];
    if (r->numbers) {
        double d;
        if (tp_tally_numval(v, &d) < 0) {
            tp_err(tp_lines_name(r->l), tp_lines_line(r->l), "malformed tally record");
            return -1;
        }
        if (x)
            *x = d;
        *n = tp_tf_fmt(d, r->num);
        *value = r->num;
        return 1;
    }
    *value = v;
    *n = strlen(v);
    return 1;
}

void
tp_tally_numkey(double x, char key[17])
{
    if (x == 0)
        x = 0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    u = (u >> 63) ? ~u : u | (UINT64_C(1) << 63);
    snprintf(key, 17, "%016" PRIx64, u);
}

int
tp_tally_numval(const char *key, double *x)
{
    uint64_t u = 0;
    if (strlen(key) != 16)
        return -1;
    for (int i = 0; i < 16; i++) {
        int c = key[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else
            return -1;
        u = u << 4 | (uint64_t)d;
    }
    u = (u >> 63) ? u & ~(UINT64_C(1) << 63) : ~u;
    memcpy(x, &u, sizeof *x);
    return 0;
}
