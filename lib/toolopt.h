/*
 * The options that every tool shares: -c/--context DIR, -n/--shard N, --on-bad-row
 * POLICY with --rejects FILE, --tsv, --records PATH, -q/--quiet, -h/--help and
 * --version. A tool names the
 * ones it takes and gives its own short options and long-option table; tp_toolopt_init merges the
 * shared ones in (sorted, as the tools keep them), its getopt_long loop hands each option to
 * tp_toolopt_take first and handles only what that declines, and tp_toolopt_check checks the
 * combination once the loop is done. The checks and the messages are the tools' own from before,
 * byte for byte (tests/contract.bats, tests/errors.bats); as everywhere in lib/, nothing here
 * prints or exits: the tool prints the recorded message and exits 2.
 */
#ifndef TP_TOOLOPT_H
#define TP_TOOLOPT_H

#include <getopt.h>

/* The shared options a tool takes (-h/--help and --version are always taken). */
enum {
    TP_TO_CONTEXT = 1 << 0,      /* -c DIR, optional (tp-write) */
    TP_TO_NEED_CONTEXT = 1 << 1, /* -c DIR, required: "missing -c DIR" */
    TP_TO_SHARD = 1 << 2,        /* -n/--shard N, an integer in [0, 99999999] */
    TP_TO_BAD = 1 << 3,          /* --on-bad-row POLICY and --rejects FILE */
    TP_TO_TSV = 1 << 4,          /* --tsv */
    TP_TO_QUIET = 1 << 5,        /* -q/--quiet */
    TP_TO_JSON = 1 << 6          /* --records PATH (JSON input, json.h) */
};

/* What tp_toolopt_take did with an option (or -1: a usage error, message recorded). */
enum { TP_TO_OTHER = 0, TP_TO_TAKEN = 1, TP_TO_HELP = 2, TP_TO_VERSION = 3 };

/* getopt_long values of the shared long options without a short letter: above a tool's
 * own (which start at 256). */
enum {
    TP_TO_OPT_BAD = 1024,
    TP_TO_OPT_REJECTS,
    TP_TO_OPT_TSV,
    TP_TO_OPT_RECORDS,
    TP_TO_OPT_VERSION
};

typedef struct tp_toolopt {
    unsigned take;           /* TP_TO_* */
    const char *context;     /* -c DIR, or NULL */
    long long shard;         /* -n N, or -1 when not given */
    const char *policy_name; /* --on-bad-row POLICY, or NULL (fail) */
    const char *rejects;     /* --rejects FILE, or NULL */
    int policy;              /* TP_BAD_* of reader.h, set by tp_toolopt_check */
    int tsv;                 /* --tsv given */
    int quiet;               /* -q given */
    const char *records;     /* --records PATH, or NULL */
    /* for getopt_long: the tool's options and the shared ones, without allocation so
     * that no tool has anything to free on its many ways out */
    char shortopts[64];
    struct option longopts[48];
} tp_toolopt;

/*
 * Set o up for a tool that takes the shared options in take (TP_TO_*) and, of its own,
 * the short options in shortopts (getopt syntax, "" for none) and the long options in
 * longopts (ended by an entry with a NULL name). Returns 0, or -1 with an error recorded
 * when the tables do not fit o (a programming error).
 */
int tp_toolopt_init(tp_toolopt *o, unsigned take, const char *shortopts,
                    const struct option *longopts);

/*
 * Offer the option c (getopt_long's return) with its argument arg (optarg) to o.
 * Returns TP_TO_TAKEN when it was a shared option, now recorded in o; TP_TO_HELP for
 * -h (the tool prints its usage and exits 0); TP_TO_OTHER when it is none of the shared
 * ones (the tool's own, or '?'); -1 with a usage message recorded when its argument is
 * wrong ("--shard: not an integer in [0, 99999999]: 'x'").
 */
int tp_toolopt_take(tp_toolopt *o, int c, const char *arg);

/*
 * After the option loop: "missing -c DIR" when the tool requires it, then the bad-row
 * policy (tp_bad_options of rejects.h) into o->policy. Returns 0, or -1 with a usage
 * message recorded.
 */
int tp_toolopt_check(tp_toolopt *o);

#endif
