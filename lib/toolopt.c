/*
 * The shared options of the tools (see toolopt.h): one table of their long and short
 * forms, merged into each tool's own, and their parsing and checks, which were written
 * out in every tool's main before.
 */
#include "toolopt.h"
#include "err.h"
#include "reader.h"
#include "rejects.h"
#include "value.h"

#include <stdlib.h>
#include <string.h>

/* A shared option and the TP_TO_* flags of which any one makes a tool take it (0: all). */
struct shared {
    struct option lo;
    const char *so; /* its short form in getopt syntax, or NULL */
    unsigned when;
};

static const struct shared shared[] = {
    {{"context", required_argument, NULL, 'c'}, "c:", TP_TO_CONTEXT | TP_TO_NEED_CONTEXT},
    {{"help", no_argument, NULL, 'h'}, "h", 0},
    {{"on-bad-row", required_argument, NULL, TP_TO_OPT_BAD}, NULL, TP_TO_BAD},
    {{"quiet", no_argument, NULL, 'q'}, "q", TP_TO_QUIET},
    {{"records", required_argument, NULL, TP_TO_OPT_RECORDS}, NULL, TP_TO_JSON},
    {{"rejects", required_argument, NULL, TP_TO_OPT_REJECTS}, NULL, TP_TO_BAD},
    {{"shard", required_argument, NULL, 'n'}, "n:", TP_TO_SHARD},
    {{"tsv", no_argument, NULL, TP_TO_OPT_TSV}, NULL, TP_TO_TSV},
    {{"version", no_argument, NULL, TP_TO_OPT_VERSION}, NULL, 0},
};
enum { NSHARED = sizeof shared / sizeof shared[0] };

static int
takes(const tp_toolopt *o, const struct shared *s)
{
    return s->when == 0 || (o->take & s->when) != 0;
}

static int
cmp_long(const void *a, const void *b)
{
    return strcmp(((const struct option *)a)->name, ((const struct option *)b)->name);
}

static int
cmp_short(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The long options: the tool's and the shared ones, sorted by name as in every tool. */
static int
merge_long(tp_toolopt *o, const struct option *own)
{
    enum { CAP = sizeof o->longopts / sizeof o->longopts[0] };
    size_t n = 0;
    for (size_t i = 0; own && own[i].name; i++) {
        if (n + 1 >= CAP)
            goto full;
        o->longopts[n++] = own[i];
    }
    for (size_t i = 0; i < NSHARED; i++) {
        if (!takes(o, &shared[i]))
            continue;
        if (n + 1 >= CAP)
            goto full;
        o->longopts[n++] = shared[i].lo;
    }
    qsort(o->longopts, n, sizeof o->longopts[0], cmp_long);
    for (size_t i = 1; i < n; i++)
        if (strcmp(o->longopts[i - 1].name, o->longopts[i].name) == 0) {
            tp_err(NULL, 0, "option --%s given twice", o->longopts[i].name);
            return -1;
        }
    memset(&o->longopts[n], 0, sizeof o->longopts[n]);
    return 0;
full:
    tp_err(NULL, 0, "more than %d long options", CAP - 1);
    return -1;
}

/*
 * The short options, as units of a letter and its colons, sorted by letter (the order
 * does not change what getopt does; sorted is how the tools wrote them).
 */
static int
merge_short(tp_toolopt *o, const char *own)
{
    enum { CAP = sizeof o->shortopts };
    char units[CAP][4];
    const char *sorted[CAP];
    size_t n = 0, len = 0;
    for (const char *p = own ? own : ""; *p;) {
        size_t k = 1;
        while (k < 3 && p[k] == ':')
            k++;
        if (n == CAP || *p == ':') {
            tp_err(NULL, 0, "bad short options '%s'", own);
            return -1;
        }
        memcpy(units[n], p, k);
        units[n++][k] = '\0';
        p += k;
    }
    for (size_t i = 0; i < NSHARED; i++) {
        if (!shared[i].so || !takes(o, &shared[i]))
            continue;
        if (n == CAP) {
            tp_err(NULL, 0, "too many short options");
            return -1;
        }
        strcpy(units[n++], shared[i].so);
    }
    for (size_t i = 0; i < n; i++)
        sorted[i] = units[i];
    qsort(sorted, n, sizeof sorted[0], cmp_short);
    for (size_t i = 0; i < n; i++) {
        size_t k = strlen(sorted[i]);
        if (i > 0 && sorted[i][0] == sorted[i - 1][0]) {
            tp_err(NULL, 0, "option -%c given twice", sorted[i][0]);
            return -1;
        }
        if (len + k >= CAP) {
            tp_err(NULL, 0, "too many short options");
            return -1;
        }
        memcpy(o->shortopts + len, sorted[i], k);
        len += k;
    }
    o->shortopts[len] = '\0';
    return 0;
}

int
tp_toolopt_init(tp_toolopt *o, unsigned take, const char *shortopts, const struct option *longopts)
{
    memset(o, 0, sizeof *o);
    o->take = take;
    o->shard = -1;
    o->policy = TP_BAD_FAIL;
    if (merge_long(o, longopts) < 0 || merge_short(o, shortopts) < 0)
        return -1;
    return 0;
}

int
tp_toolopt_take(tp_toolopt *o, int c, const char *arg)
{
    unsigned t = o->take;
    switch (c) {
    case 'c':
        if (!(t & (TP_TO_CONTEXT | TP_TO_NEED_CONTEXT)))
            return TP_TO_OTHER;
        o->context = arg;
        return TP_TO_TAKEN;
    case 'h':
        return TP_TO_HELP;
    case TP_TO_OPT_VERSION:
        return TP_TO_VERSION;
    case 'n':
        if (!(t & TP_TO_SHARD))
            return TP_TO_OTHER;
        return tp_opt_ll("--shard", arg, 0, 99999999, &o->shard) < 0 ? -1 : TP_TO_TAKEN;
    case 'q':
        if (!(t & TP_TO_QUIET))
            return TP_TO_OTHER;
        o->quiet = 1;
        return TP_TO_TAKEN;
    case TP_TO_OPT_BAD:
    case TP_TO_OPT_REJECTS:
        if (!(t & TP_TO_BAD))
            return TP_TO_OTHER;
        if (c == TP_TO_OPT_BAD)
            o->policy_name = arg;
        else
            o->rejects = arg;
        return TP_TO_TAKEN;
    case TP_TO_OPT_RECORDS:
        if (!(t & TP_TO_JSON))
            return TP_TO_OTHER;
        if (!*arg) {
            tp_err(NULL, 0, "--records: expected a dotted path (KEY.KEY...)");
            return -1;
        }
        o->records = arg;
        return TP_TO_TAKEN;
    case TP_TO_OPT_TSV:
        if (!(t & TP_TO_TSV))
            return TP_TO_OTHER;
        o->tsv = 1;
        return TP_TO_TAKEN;
    default:
        return TP_TO_OTHER;
    }
}

int
tp_toolopt_check(tp_toolopt *o)
{
    if ((o->take & TP_TO_NEED_CONTEXT) && !o->context) {
        tp_err(NULL, 0, "missing -c DIR");
        return -1;
    }
    if ((o->take & TP_TO_BAD) && tp_bad_options(o->policy_name, o->rejects, &o->policy) < 0)
        return -1;
    return 0;
}
