/* Column statistics: type rules and merge of partial results (Chan et al.). */
#include "stats.h"
#include "unit.h"

#include <math.h>
#include <string.h>

static void
add(tp_colstat *c, const char *v)
{
    tp_colstat_add(c, v, strlen(v));
}

void
test_stats(void)
{
    tp_colstat c;
    tp_colstat_init(&c);
    add(&c, "1");
    add(&c, "-3");
    add(&c, "NA");
    add(&c, "");
    CHECK(strcmp(tp_colstat_type(&c), "int64") == 0);
    CHECK(c.count == 2 && c.missing == 2 && c.imin == -3 && c.imax == 1);
    add(&c, "2.5");
    CHECK(strcmp(tp_colstat_type(&c), "float64") == 0);
    add(&c, "x");
    CHECK(strcmp(tp_colstat_type(&c), "object") == 0);

    tp_colstat_init(&c);
    add(&c, "True");
    add(&c, "false");
    add(&c, "null");
    CHECK(strcmp(tp_colstat_type(&c), "bool") == 0 && c.ntrue == 1);

    /* merging halves equals one pass, and population std is exact on a known set */
    const char *vals[] = {"2", "4", "4", "4", "5", "5", "7", "9"};
    tp_colstat all, a, b;
    tp_colstat_init(&all);
    tp_colstat_init(&a);
    tp_colstat_init(&b);
    for (int i = 0; i < 8; i++) {
        add(&all, vals[i]);
        add(i < 3 ? &a : &b, vals[i]);
    }
    tp_colstat_merge(&a, &b);
    CHECK(a.count == 8 && a.nnum == 8);
    CHECK(fabs(a.mean - 5.0) < 1e-12 && fabs(all.mean - 5.0) < 1e-12);
    CHECK(fabs(tp_colstat_std(&a) - 2.0) < 1e-12);
    CHECK(a.min == 2 && a.max == 9 && a.imin == 2 && a.imax == 9);
    tp_colstat empty;
    tp_colstat_init(&empty);
    tp_colstat_merge(&empty, &a);
    CHECK(empty.min == 2 && empty.max == 9 && fabs(empty.mean - 5.0) < 1e-12);

    /* declared types (Parquet): kept when the values agree, else inference */
    tp_colstat d;
    tp_colstat_init(&d);
    d.declared = tp_decl_parse("float64");
    tp_colstat_add(&d, "1", 1);
    tp_colstat_add(&d, "2", 1);
    CHECK(strcmp(tp_colstat_type(&d), "float64") == 0);
    tp_colstat_add(&d, "x", 1);
    CHECK(strcmp(tp_colstat_type(&d), "object") == 0);
    tp_colstat bo;
    tp_colstat_init(&bo);
    bo.declared = TP_DECL_BOOL;
    CHECK(strcmp(tp_colstat_type(&bo), "bool") == 0); /* all null */
    tp_colstat m;
    tp_colstat_init(&m);
    tp_colstat_merge(&m, &bo); /* none + bool = bool */
    CHECK(m.declared == TP_DECL_BOOL);
    tp_colstat csv;
    tp_colstat_init(&csv);
    tp_colstat_merge(&m, &csv); /* a CSV shard declares nothing */
    CHECK(m.declared == TP_DECL_BOOL);
    tp_colstat f;
    tp_colstat_init(&f);
    f.declared = TP_DECL_FLOAT64;
    tp_colstat_merge(&m, &f);
    CHECK(m.declared == TP_DECL_MIXED && tp_decl_name(TP_DECL_MIXED) == NULL);
    CHECK(strcmp(tp_colstat_type(&m), "int64") == 0); /* no values: inference */
    CHECK(tp_decl_parse("object") == TP_DECL_NONE && tp_decl_parse(NULL) == TP_DECL_NONE);
}
