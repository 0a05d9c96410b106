/*
 * Writing and parsing the fields of tp's text records; the column statistics tuple.
 */
#include "record.h"

#include "err.h"
#include "value.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The TAB before every field but a record's first. */
static int
sep(tp_out *o)
{
    return o->rec_n++ > 0 ? tp_out_byte(o, '\t') : 0;
}

int
tp_rec_mem(tp_out *o, const char *s, size_t n)
{
    return sep(o) < 0 ? -1 : tp_out_esc(o, s, n);
}

int
tp_rec_str(tp_out *o, const char *s)
{
    return tp_rec_mem(o, s, strlen(s));
}

int
tp_rec_int(tp_out *o, long long v)
{
    /* by hand, not printf: the spill files write a few integers per dedup key */
    char buf[24], *p = buf + sizeof buf;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    if (sep(o) < 0)
        return -1;
    return tp_out_write(o, p, (size_t)(buf + sizeof buf - p));
}

int
tp_rec_ints(tp_out *o, const long long *v, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        rc |= tp_rec_int(o, v[i]);
    return rc;
}

int
tp_rec_num(tp_out *o, double v)
{
    return sep(o) < 0 ? -1 : tp_out_printf(o, "%.17g", v);
}

int
tp_rec_crc(tp_out *o, unsigned long crc)
{
    return sep(o) < 0 ? -1 : tp_out_printf(o, "%08lx", crc);
}

int
tp_rec_end(tp_out *o)
{
    o->rec_n = 0;
    return tp_out_byte(o, '\n');
}

int
tp_rec_name(tp_out *o, const char *tag, const char *s)
{
    if (!s)
        return 0;
    int rc = tp_rec_str(o, tag);
    rc |= tp_rec_str(o, s);
    return rc | tp_rec_end(o);
}

int
tp_field_int(const char *s, long long *out)
{
    int64_t v;
    if (tp_parse_int64(s, strlen(s), &v) < 0) {
        tp_err(NULL, 0, "not an integer: '%s'", s);
        return -1;
    }
    *out = v;
    return 0;
}

int
tp_field_ints(char *const *f, size_t n, long long *v)
{
    for (size_t i = 0; i < n; i++)
        if (tp_field_int(f[i], &v[i]) < 0)
            return -1;
    return 0;
}

int
tp_field_num(const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (*s == '\0' || *end != '\0') {
        tp_err(NULL, 0, "not a number: '%s'", s);
        return -1;
    }
    return 0;
}

int
tp_field_crc(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    size_t i = 0;
    for (; s[i] && i < 8; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            v = v << 4 | (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v << 4 | (unsigned long)(c - 'a' + 10);
        else
            break;
    }
    if (i != 8 || s[i]) {
        tp_err(NULL, 0, "not a CRC-32 (8 hex digits): '%s'", s);
        return -1;
    }
    *out = v;
    return 0;
}

int
tp_json_str(tp_out *o, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    int rc = tp_out_byte(o, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            rc |= tp_out_write(o, e, 2);
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            rc |= tp_out_write(o, e, 6);
        } else {
            rc |= tp_out_byte(o, (char)c);
        }
    }
    return rc | tp_out_byte(o, '"');
}

void
tp_rec_fail(const tp_lines *l, const char *what)
{
    char why[1024]; /* tp_err writes the buffer tp_errmsg returns: copy it first */
    snprintf(why, sizeof why, "%s", tp_errmsg());
    tp_err(tp_lines_name(l), tp_lines_line(l), "malformed %s: %s", what, why);
}

void
tp_rec_malformed(const tp_lines *l, const char *what, const char *tag)
{
    tp_err(tp_lines_name(l), tp_lines_line(l), "malformed %s record '%s'", what, tag);
}

int
tp_colstat_write(tp_out *o, const tp_colstat *c)
{
    const long long v[8] = {c->count, c->missing,         c->nint,           c->nnum, c->nbool,
                            c->ntrue, (long long)c->imin, (long long)c->imax};
    int rc = tp_rec_ints(o, v, 8);
    rc |= tp_rec_num(o, c->min);
    rc |= tp_rec_num(o, c->max);
    rc |= tp_rec_num(o, c->mean);
    return rc | tp_rec_num(o, c->m2);
}

int
tp_colstat_read(char *const *f, tp_colstat *c)
{
    long long v[8];
    if (tp_field_ints(f, 8, v) < 0)
        return -1;
    c->count = v[0], c->missing = v[1], c->nint = v[2], c->nnum = v[3];
    c->nbool = v[4], c->ntrue = v[5], c->imin = v[6], c->imax = v[7];
    if (tp_field_num(f[8], &c->min) < 0 || tp_field_num(f[9], &c->max) < 0 ||
        tp_field_num(f[10], &c->mean) < 0 || tp_field_num(f[11], &c->m2) < 0)
        return -1;
    return 0;
}
