/*
 * Per-column type evidence and exact statistics, mergeable across shards.
 *
 * Each non-missing value is tested as int64, as a number (double) and as a boolean; the
 * column's type is the first of int64, float64, bool that every non-missing value
 * satisfies, else object (SPEC section 3). Numeric moments use Welford's online update
 * (B. P. Welford, Technometrics 4(3), 1962) and are merged with the pairwise formula of
 * Chan, Golub and LeVeque ("Updating formulae and a pairwise algorithm for computing
 * sample variances", 1979). Floating-point merging is not associative, so callers merge
 * partial results in a fixed order (by shard number) to get the same bytes whatever the
 * order in which shards were processed.
 */
#ifndef TP_STATS_H
#define TP_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tp_colstat {
    long long count;    /* non-missing values */
    long long missing;  /* missing values (see tp_is_missing) */
    long long nint;     /* values that are int64 */
    long long nnum;     /* values that are numbers (int64 included) */
    long long nbool;    /* values that are true/false */
    long long ntrue;    /* of those, true */
    int64_t imin, imax; /* over int64 values (valid when nint > 0) */
    double min, max;    /* over numbers (valid when nnum > 0) */
    double mean, m2;    /* over numbers: mean and sum of squared deviations */
    int declared;       /* type the input declares (Parquet schema): TP_DECL_* */
} tp_colstat;

/*
 * Declared types. A declared type is the column's type when every non-missing value
 * satisfies it (so a DOUBLE column of whole numbers is float64, an all-null BOOLEAN
 * column bool); otherwise, and when shards declare different types, the values decide.
 */
enum { TP_DECL_NONE, TP_DECL_INT64, TP_DECL_FLOAT64, TP_DECL_BOOL, TP_DECL_MIXED };

/* "int64", "float64", "bool" to TP_DECL_*; NULL or another name to TP_DECL_NONE. */
int tp_decl_parse(const char *type);

/* TP_DECL_INT64... to its name; NULL for TP_DECL_NONE and TP_DECL_MIXED. */
const char *tp_decl_name(int decl);

void tp_colstat_init(tp_colstat *c);

/* Account one field value (n bytes at s, s[n] == '\0'). */
void tp_colstat_add(tp_colstat *c, const char *s, size_t n);

/* a := a merged with b. */
void tp_colstat_merge(tp_colstat *a, const tp_colstat *b);

/* "int64", "float64", "bool" or "object": the declared type if the values satisfy it,
 * else the first of int64, float64, bool that every non-missing value satisfies. */
const char *tp_colstat_type(const tp_colstat *c);

/* Population standard deviation over the numeric values (0 when there are none). */
double tp_colstat_std(const tp_colstat *c);

#endif
