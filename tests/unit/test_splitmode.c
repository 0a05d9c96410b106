/* Unit tests of the tables of split modes and job types (lib/splitmode.h). */
#include "err.h"
#include "splitmode.h"
#include "unit.h"

#include <string.h>

/* The spec parsed: "name" or "name:col", or "ERR" when refused. */
static const char *
parse(const char *spec)
{
    static char buf[64];
    tp_splitmode m = TP_SPLIT_NMODES;
    const char *col = "unset";
    if (tp_splitmode_parse(spec, &m, &col) < 0)
        return "ERR";
    snprintf(buf, sizeof buf, "%s%s%s", tp_splitmode_name(m), col ? ":" : "", col ? col : "");
    return buf;
}

static const char unknown_list[] = "(temporal:COL, random, stratified, group:COL, hash:COL, none)";

static void
test_parse(void)
{
    CHECK(strcmp(parse("temporal:orderDate"), "temporal:orderDate") == 0);
    CHECK(strcmp(parse("random"), "random") == 0);
    CHECK(strcmp(parse("stratified"), "stratified") == 0);
    CHECK(strcmp(parse("group:customerId"), "group:customerId") == 0);
    CHECK(strcmp(parse("hash:id"), "hash:id") == 0);
    CHECK(strcmp(parse("none"), "none") == 0);
    /* the column is everything after the first ':', colons and all */
    CHECK(strcmp(parse("group:a:b"), "group:a:b") == 0);
    CHECK(strcmp(parse("hash::"), "hash::") == 0);
    /* refused: a column where none is taken, none where one is needed, an empty one, any
     * other spelling; the messages as tp-scan has printed them (tests/errors.bats) */
    static const char *const bad[] = {
        "temporal", "temporal:", "group",   "group:",  "hash:", "random:", "random:x",
        "none:",    "RANDOM",    "Random",  "randomx", "strat", "bogus",   "",
        ":x",       " random",   "random ", "tempora", "hash"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK(strcmp(parse(bad[i]), "ERR") == 0);
        char want[128];
        snprintf(want, sizeof want, "--split: unknown mode '%s' %s", bad[i], unknown_list);
        CHECK(strcmp(tp_errmsg(), want) == 0);
    }
    /* a long spec is truncated with the message, as tp_err keeps 1 KiB */
    char big[2000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK(strcmp(parse(big), "ERR") == 0);
    CHECK(strncmp(tp_errmsg(), "--split: unknown mode 'xxx", 26) == 0 &&
          strlen(tp_errmsg()) == 1023);
}

static void
test_table(void)
{
    static const char *const names[] = {"temporal", "random", "stratified",
                                        "group",    "hash",   "none"};
    CHECK(TP_SPLIT_NMODES == sizeof names / sizeof names[0]);
    for (int m = 0; m < TP_SPLIT_NMODES; m++) {
        const tp_splitmode_def *d = tp_splitmode_get(m);
        CHECK(d && (int)d->mode == m && strcmp(d->name, names[m]) == 0);
        CHECK(strcmp(tp_splitmode_name(m), names[m]) == 0);
        CHECK(tp_splitmode_lookup(names[m]) == d);
        /* the spec is the name, with ":COL" exactly when the mode takes a column */
        size_t n = strlen(d->name);
        CHECK(strncmp(d->spec, d->name, n) == 0);
        CHECK(strcmp(d->spec + n, d->arg == TP_SPLITARG_NONE ? "" : ":COL") == 0);
        /* a decision by rank needs the shard's rank offset; a decision by class, a label */
        CHECK(d->needs_shard == (d->by == TP_BY_RANK || d->by == TP_BY_CLASS));
        CHECK(d->needs_label == (d->by == TP_BY_CLASS));
        /* the merge fits what the decision reads */
        CHECK((d->fit == TP_FIT_CUTOFFS) == (d->by == TP_BY_TIME));
        CHECK((d->fit == TP_FIT_COUNTS) == (d->by == TP_BY_RANK));
        CHECK((d->fit == TP_FIT_STRATA) == (d->by == TP_BY_CLASS));
    }
    CHECK(tp_splitmode_get(-1) == NULL && tp_splitmode_get(TP_SPLIT_NMODES) == NULL);
    CHECK(tp_splitmode_name(TP_SPLIT_NMODES) == NULL);
    /* stored names are compared byte for byte: no spec, no other case, no NULL */
    CHECK(tp_splitmode_lookup("temporal:COL") == NULL);
    CHECK(tp_splitmode_lookup("Random") == NULL);
    CHECK(tp_splitmode_lookup("?") == NULL && tp_splitmode_lookup("") == NULL);
    CHECK(tp_splitmode_lookup(NULL) == NULL);
    /* each mode's properties (SPEC section 7) */
    const tp_splitmode_def *t = tp_splitmode_get(TP_SPLIT_TEMPORAL);
    CHECK(t->arg == TP_SPLITARG_TEMPORAL && t->by == TP_BY_TIME && !t->needs_shard);
    const tp_splitmode_def *r = tp_splitmode_get(TP_SPLIT_RANDOM);
    CHECK(r->arg == TP_SPLITARG_NONE && r->by == TP_BY_RANK && r->needs_shard);
    const tp_splitmode_def *s = tp_splitmode_get(TP_SPLIT_STRATIFIED);
    CHECK(s->arg == TP_SPLITARG_NONE && s->by == TP_BY_CLASS && s->needs_label);
    const tp_splitmode_def *g = tp_splitmode_get(TP_SPLIT_GROUP);
    const tp_splitmode_def *h = tp_splitmode_get(TP_SPLIT_HASH);
    CHECK(g->arg == TP_SPLITARG_SPLITCOL && g->by == TP_BY_HASH && g->fit == TP_FIT_NONE);
    CHECK(h->arg == TP_SPLITARG_SPLITCOL && h->by == TP_BY_HASH && h->fit == TP_FIT_NONE);
    const tp_splitmode_def *z = tp_splitmode_get(TP_SPLIT_NONE);
    CHECK(z->arg == TP_SPLITARG_NONE && z->by == TP_BY_JOB && z->fit == TP_FIT_NONE);
    CHECK(!z->needs_label && !z->needs_shard);
}

static void
test_default(void)
{
    CHECK(tp_splitmode_default(1) == TP_SPLIT_TEMPORAL);
    CHECK(tp_splitmode_default(0) == TP_SPLIT_RANDOM);
    CHECK(tp_splitmode_default_time("orderDate") && tp_splitmode_default_time("transactionDate"));
    CHECK(!tp_splitmode_default_time("orderdate") && !tp_splitmode_default_time("date"));
    CHECK(!tp_splitmode_default_time("") && !tp_splitmode_default_time("orderDate "));
}

static void
test_jobs(void)
{
    static const char *const names[] = {"training", "validation", "testing", "calibration"};
    CHECK(TP_JOB_NJOBS == sizeof names / sizeof names[0]);
    for (int j = 0; j < TP_JOB_NJOBS; j++) {
        CHECK(strcmp(tp_job_name(j), names[j]) == 0);
        CHECK(tp_job_lookup(names[j]) == j);
        tp_job got = TP_JOB_NJOBS;
        CHECK(tp_job_parse(names[j], &got) == 0 && (int)got == j);
    }
    CHECK(tp_job_name(-1) == NULL && tp_job_name(TP_JOB_NJOBS) == NULL);
    CHECK(tp_job_lookup(NULL) == -1 && tp_job_lookup("Training") == -1);
    static const char *const bad[] = {"x", "", "train", "Training", "testing "};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tp_job got = TP_JOB_NJOBS;
        CHECK(tp_job_parse(bad[i], &got) == -1 && got == TP_JOB_NJOBS);
        char want[128];
        snprintf(want, sizeof want,
                 "--job-type: expected training, validation, testing or calibration: '%s'", bad[i]);
        CHECK(strcmp(tp_errmsg(), want) == 0);
    }
}

void
test_splitmode(void)
{
    test_parse();
    test_table();
    test_default();
    test_jobs();
}
