/*
 * Escaped tab-separated records for tp's own files.
 */
#include "text.h"

#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
tp_out_esc(tp_out *o, const char *s, size_t n)
{
    const char *start = s;
    for (size_t i = 0; i < n; i++) {
        char e;
        switch (s[i]) {
        case '\\':
            e = '\\';
            break;
        case '\t':
            e = 't';
            break;
        case '\n':
            e = 'n';
            break;
        case '\r':
            e = 'r';
            break;
        default:
            continue;
        }
        char esc[2] = {'\\', e};
        if (tp_out_write(o, start, (size_t)(s + i - start)) < 0 || tp_out_write(o, esc, 2) < 0)
            return -1;
        start = s + i + 1;
    }
    return tp_out_write(o, start, (size_t)(s + n - start));
}

int
tp_out_stream_start(tp_out *o, size_t ncols)
{
    return tp_out_printf(o, TP_STREAM_MAGIC "%zu\n", ncols);
}

int
tp_out_stream_field(tp_out *o, const char *s, size_t n)
{
    if (o->rec_n++ > 0 && tp_out_byte(o, '\t') < 0)
        return -1;
    /* most fields hold nothing to escape: one scan, one copy */
    if (tp_span4(s, n, '\\', '\t', '\n', '\r') < n)
        return tp_out_esc(o, s, n);
    return tp_out_write(o, s, n);
}

int
tp_out_stream_end(tp_out *o)
{
    o->rec_n = 0;
    return tp_out_byte(o, '\n');
}

int
tp_unescape(char *s, size_t n, size_t *len)
{
    char *w = memchr(s, '\\', n);
    if (!w) {
        *len = n;
        return 0;
    }
    const char *r = w, *end = s + n;
    while (r < end) {
        if (*r != '\\') {
            *w++ = *r++;
            continue;
        }
        if (r + 1 == end)
            return -1;
        char c = r[1];
        if (c == '\\')
            *w++ = '\\';
        else if (c == 't')
            *w++ = '\t';
        else if (c == 'n')
            *w++ = '\n';
        else if (c == 'r')
            *w++ = '\r';
        else
            return -1;
        r += 2;
    }
    *len = (size_t)(w - s);
    return 0;
}

int
tp_out_printf(tp_out *o, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof buf)
        tp_fatal(TP_EXIT_DATA, "internal error: record too long");
    return tp_out_write(o, buf, (size_t)n);
}

struct tp_lines {
    tp_in *in;
    char *buf; /* raw bytes read */
    size_t len, pos, cap;
    int eof;
    char *line;
    size_t lcap;
    char **f;
    size_t fcap;
    long lineno;
    long long off, next; /* byte offsets of the current record and of the next one */
};

static char *unescape(char *s);

size_t
tp_fields_split(char *s, char ***f, size_t *cap)
{
    size_t k = 0;
    for (;;) {
        if (k == *cap) {
            *cap = *cap ? 2 * *cap : 16;
            *f = tp_xrealloc(*f, *cap * sizeof **f);
        }
        char *tab = strchr(s, '\t');
        if (tab)
            *tab = '\0';
        (*f)[k++] = unescape(s);
        if (!tab)
            break;
        s = tab + 1;
    }
    return k;
}

long long
tp_lines_offset(const tp_lines *l)
{
    return l->off;
}

tp_lines *
tp_lines_open(const char *path)
{
    tp_in *in = tp_in_open(path);
    if (!in)
        return NULL;
    tp_lines *l = tp_xcalloc(1, sizeof *l);
    l->in = in;
    l->cap = 64 * 1024;
    l->buf = tp_xmalloc(l->cap);
    l->lcap = 256;
    l->line = tp_xmalloc(l->lcap);
    l->fcap = 16;
    l->f = tp_xmalloc(l->fcap * sizeof *l->f);
    TP_TRACK(l, tp_lines_close);
    return l;
}

static char *
unescape(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '\\' && r[1]) {
            r++;
            *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return s;
}

int
tp_lines_next(tp_lines *l, char ***f, size_t *n)
{
    size_t ll = 0;
    for (;;) {
        if (l->pos == l->len) {
            if (l->eof)
                break;
            ssize_t got = tp_in_read(l->in, l->buf, l->cap);
            if (got < 0)
                return -1;
            if (got == 0) {
                l->eof = 1;
                break;
            }
            l->len = (size_t)got;
            l->pos = 0;
        }
        char *nl = memchr(l->buf + l->pos, '\n', l->len - l->pos);
        size_t take = nl ? (size_t)(nl - (l->buf + l->pos)) : l->len - l->pos;
        if (ll + take + 1 > l->lcap) {
            while (ll + take + 1 > l->lcap)
                l->lcap *= 2;
            l->line = tp_xrealloc(l->line, l->lcap);
        }
        memcpy(l->line + ll, l->buf + l->pos, take);
        ll += take;
        l->pos += take + (nl ? 1 : 0);
        l->next += (long long)take + (nl ? 1 : 0);
        if (nl)
            goto done;
    }
    if (ll == 0)
        return 0;
    tp_err(tp_in_name(l->in), l->lineno + 1, "truncated file (no end of line)");
    return -1;
done:
    l->lineno++;
    l->off = l->next - (long long)ll - 1;
    l->line[ll] = '\0';
    if (memchr(l->line, '\0', ll)) {
        tp_err(tp_in_name(l->in), l->lineno, "NUL byte in record");
        return -1;
    }
    *n = tp_fields_split(l->line, &l->f, &l->fcap);
    *f = l->f;
    return 1;
}

long
tp_lines_line(const tp_lines *l)
{
    return l->lineno;
}

const char *
tp_lines_name(const tp_lines *l)
{
    return tp_in_name(l->in);
}

void
tp_lines_close(tp_lines *l)
{
    if (!l)
        return;
    TP_UNTRACK(l);
    tp_in_close(l->in);
    free(l->buf);
    free(l->line);
    free(l->f);
    free(l);
}
