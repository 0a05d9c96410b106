/*
 * The tables of split modes and job types (see splitmode.h), their lookups and the one
 * parse of --split and of --job-type. The usage messages list the table, so that a mode
 * added to it is offered by them too.
 */
#include "splitmode.h"

#include "err.h"

#include <string.h>

static const tp_splitmode_def modes[TP_SPLIT_NMODES] = {
    {TP_SPLIT_TEMPORAL, "temporal", "temporal:COL", TP_SPLITARG_TEMPORAL, 0, 0, TP_BY_TIME,
     TP_FIT_CUTOFFS},
    {TP_SPLIT_RANDOM, "random", "random", TP_SPLITARG_NONE, 0, 1, TP_BY_RANK, TP_FIT_COUNTS},
    {TP_SPLIT_STRATIFIED, "stratified", "stratified", TP_SPLITARG_NONE, 1, 1, TP_BY_CLASS,
     TP_FIT_STRATA},
    {TP_SPLIT_GROUP, "group", "group:COL", TP_SPLITARG_SPLITCOL, 0, 0, TP_BY_HASH, TP_FIT_NONE},
    {TP_SPLIT_HASH, "hash", "hash:COL", TP_SPLITARG_SPLITCOL, 0, 0, TP_BY_HASH, TP_FIT_NONE},
    {TP_SPLIT_NONE, "none", "none", TP_SPLITARG_NONE, 0, 0, TP_BY_JOB, TP_FIT_NONE},
};

static const char *const jobs[TP_JOB_NJOBS] = {"training", "validation", "testing", "calibration"};

/* The default temporal columns (SPEC section 7). */
static const char *const default_times[] = {"orderDate", "transactionDate"};

const tp_splitmode_def *
tp_splitmode_get(int m)
{
    return m >= 0 && m < TP_SPLIT_NMODES ? &modes[m] : NULL;
}

const char *
tp_splitmode_name(int m)
{
    const tp_splitmode_def *d = tp_splitmode_get(m);
    return d ? d->name : NULL;
}

const tp_splitmode_def *
tp_splitmode_lookup(const char *name)
{
    for (int m = 0; name && m < TP_SPLIT_NMODES; m++)
        if (strcmp(name, modes[m].name) == 0)
            return &modes[m];
    return NULL;
}

int
tp_splitmode_parse(const char *spec, tp_splitmode *mode, const char **col)
{
    for (int m = 0; m < TP_SPLIT_NMODES; m++) {
        const tp_splitmode_def *d = &modes[m];
        size_t n = strlen(d->name);
        if (strncmp(spec, d->name, n) != 0)
            continue;
        if (d->arg == TP_SPLITARG_NONE && spec[n] == '\0') {
            *mode = d->mode;
            *col = NULL;
            return 0;
        }
        if (d->arg != TP_SPLITARG_NONE && spec[n] == ':' && spec[n + 1] != '\0') {
            *mode = d->mode;
            *col = spec + n + 1;
            return 0;
        }
    }
    char list[256] = "";
    for (int m = 0; m < TP_SPLIT_NMODES; m++) {
        if (m > 0)
            strcat(list, ", ");
        strcat(list, modes[m].spec);
    }
    tp_err(NULL, 0, "--split: unknown mode '%s' (%s)", spec, list);
    return -1;
}

tp_splitmode
tp_splitmode_default(int has_time)
{
    return has_time ? TP_SPLIT_TEMPORAL : TP_SPLIT_RANDOM;
}

int
tp_splitmode_default_time(const char *col)
{
    for (size_t i = 0; i < sizeof default_times / sizeof default_times[0]; i++)
        if (strcmp(col, default_times[i]) == 0)
            return 1;
    return 0;
}

const char *
tp_job_name(int j)
{
    return j >= 0 && j < TP_JOB_NJOBS ? jobs[j] : NULL;
}

int
tp_job_lookup(const char *name)
{
    for (int j = 0; name && j < TP_JOB_NJOBS; j++)
        if (strcmp(name, jobs[j]) == 0)
            return j;
    return -1;
}

int
tp_job_parse(const char *s, tp_job *job)
{
    int j = tp_job_lookup(s);
    if (j >= 0) {
        *job = (tp_job)j;
        return 0;
    }
    char list[128] = "";
    for (j = 0; j < TP_JOB_NJOBS; j++) {
        if (j > 0)
            strcat(list, j == TP_JOB_NJOBS - 1 ? " or " : ", ");
        strcat(list, jobs[j]);
    }
    tp_err(NULL, 0, "--job-type: expected %s: '%s'", list, s);
    return -1;
}

const char *
tp_split_by_position(uint64_t p, long long n_train, long long n_val)
{
    if (p < (uint64_t)n_train)
        return "train";
    return p < (uint64_t)(n_train + n_val) ? "val" : "test";
}
