/* Unit tests of the shared tool options (lib/toolopt.h). */
#include "err.h"
#include "reader.h"
#include "toolopt.h"
#include "unit.h"

#include <string.h>

static const struct option scan_own[] = {
    {"dedup", required_argument, NULL, 256},
    {"distinct", no_argument, NULL, 257},
    {"label", required_argument, NULL, 'l'},
    {"no-dedup", no_argument, NULL, 258},
    {"output", required_argument, NULL, 'o'},
    {"rows", required_argument, NULL, 259},
    {"signature", required_argument, NULL, 's'},
    {"split", required_argument, NULL, 260},
    {NULL, 0, NULL, 0},
};

/* tp-scan's table as it was written out before the shared options moved here */
static const char *const scan_names[] = {
    "dedup",   "distinct", "help",  "label",     "no-dedup", "on-bad-row", "output",  "quiet",
    "rejects", "rows",     "shard", "signature", "split",    "tsv",        "version",
};

static int
run_getopt(tp_toolopt *o, int argc, char **argv, int *own)
{
    int c, rc = 0;
    optind = 0; /* glibc: start over */
    opterr = 0;
    while ((c = getopt_long(argc, argv, o->shortopts, o->longopts, NULL)) != -1) {
        int r = tp_toolopt_take(o, c, optarg);
        if (r < 0 || r == TP_TO_HELP)
            return r;
        if (r == TP_TO_OTHER)
            *own += 1;
    }
    return rc;
}

void
test_toolopt(void)
{
    tp_toolopt o;
    CHECK(tp_toolopt_init(&o, TP_TO_SHARD | TP_TO_BAD | TP_TO_TSV | TP_TO_QUIET,
                          "l:o:s:", scan_own) == 0);
    CHECK(strcmp(o.shortopts, "hl:n:o:qs:") == 0);
    size_t n = 0;
    while (o.longopts[n].name)
        n++;
    CHECK(n == sizeof scan_names / sizeof scan_names[0]);
    for (size_t i = 0; i < n && i < sizeof scan_names / sizeof scan_names[0]; i++)
        CHECK(strcmp(o.longopts[i].name, scan_names[i]) == 0);
    CHECK(o.shard == -1 && o.policy == TP_BAD_FAIL && !o.tsv && !o.quiet && !o.context);

    /* --version is every tool's, as -h is */
    CHECK(tp_toolopt_take(&o, TP_TO_OPT_VERSION, NULL) == TP_TO_VERSION);
    /* the shared ones are taken, the tool's own are not */
    CHECK(tp_toolopt_take(&o, 'n', "7") == TP_TO_TAKEN && o.shard == 7);
    CHECK(tp_toolopt_take(&o, 'n', "x") == -1);
    CHECK(strcmp(tp_errmsg(), "--shard: not an integer in [0, 99999999]: 'x'") == 0);
    CHECK(tp_toolopt_take(&o, 'n', "100000000") == -1);
    CHECK(tp_toolopt_take(&o, 'h', NULL) == TP_TO_HELP);
    CHECK(tp_toolopt_take(&o, 'l', "y") == TP_TO_OTHER);
    CHECK(tp_toolopt_take(&o, 'c', "dir") == TP_TO_OTHER); /* tp-scan takes no -c */
    CHECK(tp_toolopt_take(&o, '?', NULL) == TP_TO_OTHER);

    /* through getopt_long */
    char a0[] = "tp-scan", a1[] = "--tsv", a2[] = "-qn3", a3[] = "--on-bad-row=quarantine",
         a4[] = "-lx", a5[] = "--rejects", a6[] = "r.csv", a7[] = "in.csv";
    char *argv[] = {a0, a1, a2, a3, a4, a5, a6, a7, NULL};
    int own = 0;
    CHECK(tp_toolopt_init(&o, TP_TO_SHARD | TP_TO_BAD | TP_TO_TSV | TP_TO_QUIET,
                          "l:o:s:", scan_own) == 0);
    CHECK(run_getopt(&o, 8, argv, &own) == 0);
    CHECK(own == 1 && o.tsv && o.quiet && o.shard == 3);
    CHECK(tp_toolopt_check(&o) == 0 && o.policy == TP_BAD_QUARANTINE);
    CHECK(strcmp(o.rejects, "r.csv") == 0 && optind == 7);

    /* the checks after the loop, in the tools' order: -c first, then the policy */
    CHECK(tp_toolopt_init(&o, TP_TO_NEED_CONTEXT | TP_TO_BAD, "", NULL) == 0);
    CHECK(strcmp(o.shortopts, "c:h") == 0);
    CHECK(tp_toolopt_take(&o, TP_TO_OPT_BAD, "quarantine") == TP_TO_TAKEN);
    CHECK(tp_toolopt_check(&o) == -1 && strcmp(tp_errmsg(), "missing -c DIR") == 0);
    CHECK(tp_toolopt_take(&o, 'c', "ctx") == TP_TO_TAKEN);
    CHECK(tp_toolopt_check(&o) == -1 &&
          strcmp(tp_errmsg(), "--on-bad-row quarantine needs --rejects FILE") == 0);
    CHECK(tp_toolopt_take(&o, TP_TO_OPT_BAD, "maybe") == TP_TO_TAKEN);
    CHECK(tp_toolopt_check(&o) == -1 &&
          strcmp(tp_errmsg(), "--on-bad-row: expected fail, skip or quarantine: 'maybe'") == 0);
    CHECK(tp_toolopt_take(&o, TP_TO_OPT_BAD, "skip") == TP_TO_TAKEN);
    CHECK(tp_toolopt_check(&o) == 0 && o.policy == TP_BAD_SKIP);
    CHECK(tp_toolopt_take(&o, TP_TO_OPT_TSV, NULL) == TP_TO_OTHER); /* not taken */

    /* a tool that lists a shared option itself is a programming error */
    static const struct option dup[] = {{"shard", required_argument, NULL, 'n'},
                                        {NULL, 0, NULL, 0}};
    CHECK(tp_toolopt_init(&o, TP_TO_SHARD, "", dup) == -1);
    CHECK(tp_toolopt_init(&o, TP_TO_SHARD, "n:", NULL) == -1);
}
