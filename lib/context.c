/*
 * Merging partial summaries into the context (the spill of what grows with the data is in
 * spill.c), and the context file's writer and reader (its records through record.h).
 */
#include "context.h"

#include "err.h"
#include "io.h"
#include "merge.h"
#include "reader.h"
#include "record.h"
#include "scanop.h"
#include "spill.h"
#include "splitmode.h"
#include "text.h"
#include "transform.h"
#include "version.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

char *
tp_merge_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

tp_merge *
tp_merge_new(const tp_merge_opts *o, const char *dir)
{
    tp_merge *m = tp_xcalloc(1, sizeof *m);
    m->o = *o;
    if (!m->o.memory)
        m->o.memory = "40M";
    m->dir = dir;
    m->tmp = tp_merge_join(dir, "tmp");
    m->labels = tp_map_new(0);
    m->sp = tp_spill_new(m->tmp, m->o.memory);
    if (!m->sp) {
        tp_map_free(m->labels);
        free(m->tmp);
        free(m);
        return NULL;
    }
    return m;
}

static int
same_name(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int
check_role(const char *path, const char *role, const char *a, const char *b, const char *first)
{
    if (same_name(a, b))
        return 0;
    tp_err(path, 0, "%s is '%s' here but '%s' in %s", role, a ? a : "(none)", b ? b : "(none)",
           first);
    return -1;
}

const tp_summary_sink *
tp_merge_sink(tp_merge *m)
{
    return tp_spill_sink(m->sp);
}

int
tp_merge_add(tp_merge *m, tp_summary *s, const char *path)
{
    int rc = m->failed ? -1 : 0;
    const char *src = s->source ? s->source : path; /* name the shard, not the summary */
    for (size_t i = 0; i < m->nsh && rc == 0; i++)
        if (m->sh[i].info.shard == s->shard) {
            int lo = strcmp(src, m->sh[i].info.source) > 0; /* name the smaller source first */
            tp_err(lo ? m->sh[i].info.source : src, 0, "shard %ld appears twice (also in %s)",
                   s->shard, lo ? src : m->sh[i].info.source);
            rc = -1;
        }
    if (rc) {
        m->failed = 1;
        tp_summary_free(s);
        return -1;
    }
    if (m->nsh == m->shcap) {
        m->shcap = m->shcap ? 2 * m->shcap : 16;
        m->sh = tp_xrealloc(m->sh, m->shcap * sizeof *m->sh);
    }
    tp_shardacc *a = &m->sh[m->nsh++];
    memset(a, 0, sizeof *a);
    a->info.shard = s->shard;
    a->info.source = tp_xstrdup(src);
    a->info.rows = s->rows;
    a->info.drop_label = s->drop_label;
    a->info.drop_time = s->drop_time;
    a->info.drop_key = s->drop_key;
    a->info.bad = s->bad;
    a->info.bytes = s->in_bytes;
    a->info.crc = s->in_crc;
    a->stats = s->stats;
    s->stats = NULL;
    /* each scan operation takes its part: into memory, or to the spill */
    for (size_t i = 0; tp_scanops[i] && rc == 0; i++)
        if (tp_scanops[i]->merge)
            rc = tp_scanops[i]->merge(m, a, s);
    if (rc)
        m->failed = 1;
    /* keep the header part (columns, roles) to check at the end, against the shard with
     * the lowest number: then the message does not depend on the order of the inputs */
    tp_map_free(s->labels);
    tp_map_free(s->times);
    tp_map_free(s->keys);
    s->labels = s->times = s->keys = NULL;
    a->head = s;
    return rc ? -1 : 0;
}

/*
 * JSON shards (summary header 2) each list their own keys: the data set's columns are
 * their union in order of first appearance by row identity, which is the shards' lists
 * taken in shard-number order (m->sh is sorted), each new name appended; a column that
 * only some shard's roles added (absent there) comes after every seen one. A CSV, TSV
 * or Parquet shard among them adds the columns of its header (or signature) the same
 * way, and pass 2 lays its rows out on the union too (tp_reader_schema). Each shard's
 * statistics are then laid out on the union, a column it lacks counting its rows as
 * missing, so that the merge below sees shards that all agree.
 */
static int
union_shards(tp_merge *m)
{
    int json = 0;
    for (size_t i = 0; i < m->nsh && !json; i++)
        json = m->sh[i].head->ncols > 0 && m->sh[i].head->header == 2;
    if (!json)
        return 0;
    /* the other shards agree on their header among themselves: check_shards below sees
     * them all as header 2 */
    const tp_summary *other = NULL;
    const char *osrc = NULL;
    for (size_t i = 0; i < m->nsh; i++) {
        const tp_summary *s = m->sh[i].head;
        if (s->ncols == 0 || s->header == 2)
            continue;
        if (!other) {
            other = s;
            osrc = m->sh[i].info.source;
        } else if (s->header != other->header) {
            tp_err(m->sh[i].info.source, 0, "scanned %s a signature, unlike %s",
                   s->header ? "without" : "with", osrc);
            return -1;
        }
    }
    tp_map *u = tp_map_new(0);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < m->nsh; i++) {
            tp_summary *s = m->sh[i].head;
            for (size_t c = 0; c < s->ncols; c++)
                if ((s->absent && s->absent[c]) == pass)
                    tp_map_put(u, s->cols[c], strlen(s->cols[c]), NULL);
        }
    size_t n = tp_map_size(u);
    for (size_t i = 0; i < m->nsh; i++) {
        tp_summary *s = m->sh[i].head;
        if (s->ncols == 0 && s->rows == s->bad)
            continue; /* no good row (a 0-byte shard, every record bad): nothing to lay out */
        tp_colstat *st = tp_xcalloc(n ? n : 1, sizeof *st);
        long long good = s->rows - s->bad;
        for (size_t c = 0; c < n; c++) {
            tp_colstat_init(&st[c]);
            st[c].missing = good;
        }
        for (size_t c = 0; c < s->ncols; c++) {
            long k = tp_map_index(u, s->cols[c], strlen(s->cols[c]));
            if (m->sh[i].stats)
                st[k] = m->sh[i].stats[c];
            free(s->cols[c]);
        }
        free(m->sh[i].stats);
        m->sh[i].stats = st;
        s->cols = tp_xrealloc(s->cols, (n ? n : 1) * sizeof *s->cols);
        for (size_t c = 0; c < n; c++)
            s->cols[c] = tp_xstrdup(tp_map_key(u, c, NULL));
        s->ncols = n;
        s->header = 2;
    }
    tp_map_free(u);
    return 0;
}

/*
 * The child tables of --explode: every shard must name the same paths; each table's
 * columns are the union of the shards' in shard-number order, and a shard's elements
 * count as missing in the columns it did not see, as for JSON columns (union_shards).
 */
static int
merge_xtables(tp_merge *m, tp_context *c)
{
    tp_summary *ref = NULL;
    const char *rsrc = NULL;
    for (size_t i = 0; i < m->nsh; i++) {
        tp_summary *s = m->sh[i].head;
        if (!ref) {
            ref = s;
            rsrc = m->sh[i].info.source;
            continue;
        }
        int same = s->nx == ref->nx;
        for (size_t k = 0; same && k < s->nx; k++)
            same = strcmp(s->x[k].path, ref->x[k].path) == 0;
        if (!same) {
            tp_err(m->sh[i].info.source, 0, "scanned with other --explode paths than %s", rsrc);
            return -1;
        }
    }
    if (!ref || ref->nx == 0)
        return 0;
    c->nx = ref->nx;
    c->x = tp_xcalloc(c->nx, sizeof *c->x);
    c->xcol = tp_xcalloc(c->nx, sizeof *c->xcol);
    for (size_t k = 0; k < c->nx; k++) {
        tp_xtable *x = &c->x[k];
        x->path = tp_xstrdup(ref->x[k].path);
        tp_map *u = tp_map_new(0);
        for (size_t i = 0; i < m->nsh; i++) {
            tp_xtable *sx = &m->sh[i].head->x[k];
            for (size_t j = 0; j < sx->ncols; j++)
                tp_map_put(u, sx->cols[j], strlen(sx->cols[j]), NULL);
        }
        x->ncols = tp_map_size(u);
        x->cols = tp_xmalloc((x->ncols ? x->ncols : 1) * sizeof *x->cols);
        x->stats = tp_xmalloc((x->ncols ? x->ncols : 1) * sizeof *x->stats);
        for (size_t j = 0; j < x->ncols; j++) {
            x->cols[j] = tp_xstrdup(tp_map_key(u, j, NULL));
            tp_colstat_init(&x->stats[j]);
        }
        tp_colstat *st = tp_xmalloc((x->ncols ? x->ncols : 1) * sizeof *st);
        for (size_t i = 0; i < m->nsh; i++) {
            tp_xtable *sx = &m->sh[i].head->x[k];
            for (size_t j = 0; j < x->ncols; j++) {
                tp_colstat_init(&st[j]);
                st[j].missing = sx->rows;
            }
            for (size_t j = 0; j < sx->ncols; j++)
                st[tp_map_index(u, sx->cols[j], strlen(sx->cols[j]))] = sx->stats[j];
            for (size_t j = 0; j < x->ncols; j++)
                tp_colstat_merge(&x->stats[j], &st[j]);
            x->rows += sx->rows;
        }
        free(st);
        tp_map_free(u);
    }
    return 0;
}

/* Every shard with columns must agree with the one with the lowest number. */
static int
check_shards(tp_merge *m)
{
    if (union_shards(m) < 0)
        return -1;
    tp_summary *ref = NULL;
    const char *rsrc = NULL;
    for (size_t i = 0; i < m->nsh; i++) {
        tp_summary *s = m->sh[i].head;
        const char *src = m->sh[i].info.source;
        if (s->ncols == 0)
            continue;
        if (!ref) {
            ref = s;
            rsrc = src;
            continue;
        }
        size_t k = s->ncols < ref->ncols ? s->ncols : ref->ncols;
        for (size_t j = 0; j < k; j++)
            if (strcmp(s->cols[j], ref->cols[j]) != 0) {
                tp_err(src, 0, "column %zu is '%s', but '%s' in %s", j + 1, s->cols[j],
                       ref->cols[j], rsrc);
                return -1;
            }
        if (s->ncols < ref->ncols) {
            tp_err(src, 0, "%zu columns, but %zu in %s: no column %zu '%s'", s->ncols, ref->ncols,
                   rsrc, k + 1, ref->cols[k]);
            return -1;
        }
        if (s->ncols > ref->ncols) {
            tp_err(src, 0, "%zu columns, but %zu in %s: extra column %zu '%s'", s->ncols,
                   ref->ncols, rsrc, k + 1, s->cols[k]);
            return -1;
        }
        if (s->header != ref->header) {
            tp_err(src, 0, "scanned %s a signature, unlike %s", s->header ? "without" : "with",
                   rsrc);
            return -1;
        }
        if (s->distinct_on != ref->distinct_on) {
            tp_err(src, 0, "scanned %s --distinct, unlike %s", s->distinct_on ? "with" : "without",
                   rsrc);
            return -1;
        }
        if (check_role(src, "the label column", s->label, ref->label, rsrc) < 0 ||
            check_role(src, "the dedup column", s->dedup, ref->dedup, rsrc) < 0 ||
            check_role(src, "the temporal column", s->temporal, ref->temporal, rsrc) < 0 ||
            check_role(src, "the split mode", s->split, ref->split, rsrc) < 0 ||
            check_role(src, "the split column", s->splitcol, ref->splitcol, rsrc) < 0 ||
            check_role(src, "--records", s->records, ref->records, rsrc) < 0 ||
            check_role(src, "the --id column", s->idcol, ref->idcol, rsrc) < 0)
            return -1;
        int same = s->nexpand == ref->nexpand;
        for (size_t j = 0; same && j < s->nexpand; j++)
            same = strcmp(s->expand[j], ref->expand[j]) == 0;
        if (!same) {
            tp_err(src, 0, "scanned with other --expand-json columns than %s", rsrc);
            return -1;
        }
        same = s->ntf == ref->ntf;
        for (size_t j = 0; same && j < s->ntf; j++)
            same = strcmp(s->tf[j], ref->tf[j]) == 0;
        if (!same) {
            tp_err(src, 0, "scanned with other transforms than %s", rsrc);
            return -1;
        }
    }
    if (ref) {
        m->have_cols = 1;
        m->first = tp_xstrdup(rsrc);
        m->header = ref->header;
        m->ncols = ref->ncols;
        m->cols = ref->cols;
        ref->cols = NULL;
        ref->ncols = 0;
        m->label = ref->label ? tp_xstrdup(ref->label) : NULL;
        m->dedup = ref->dedup ? tp_xstrdup(ref->dedup) : NULL;
        m->temporal = ref->temporal ? tp_xstrdup(ref->temporal) : NULL;
        m->split = ref->split ? tp_xstrdup(ref->split) : NULL;
        m->splitcol = ref->splitcol ? tp_xstrdup(ref->splitcol) : NULL;
        m->records = ref->records ? tp_xstrdup(ref->records) : NULL;
        m->idcol = ref->idcol ? tp_xstrdup(ref->idcol) : NULL;
        m->expand = ref->expand;
        m->nexpand = ref->nexpand;
        ref->expand = NULL;
        ref->nexpand = 0;
        m->tf = ref->tf;
        m->ntf = ref->ntf;
        ref->tf = NULL;
        ref->ntf = 0;
    }
    return 0;
}

static int
cmp_shardacc(const void *a, const void *b)
{
    long x = ((const tp_shardacc *)a)->info.shard, y = ((const tp_shardacc *)b)->info.shard;
    return (x > y) - (x < y);
}

static long
col_index(char **cols, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(cols[i], name) == 0)
            return (long)i;
    return -1;
}

static char *
rename_dot(const char *s)
{
    size_t n = strlen(s);
    char *out = tp_xmalloc(n + 1), *w = out;
    while (*s) {
        if (strncmp(s, "__DOT__", 7) == 0) {
            *w++ = '.';
            s += 7;
        } else {
            *w++ = *s++;
        }
    }
    *w = '\0';
    return out;
}

/* Find a column by output name first, then by input name. */
static long
find_col(const tp_context *c, const char *name)
{
    for (size_t i = 0; i < c->nin; i++)
        if (strcmp(c->out[i], name) == 0)
            return (long)i;
    return col_index(c->in, c->nin, name);
}

long
tp_concat_parse(const char *spec, char **name, char ***cols)
{
    const char *eq = strchr(spec, '=');
    size_t len = eq ? strlen(eq + 1) : 0;
    if (!eq || eq == spec || len == 0 || eq[1] == ',' || eq[len] == ',' || strstr(eq, ",,")) {
        tp_err(NULL, 0, "--concat: expected NAME=COL,COL,...: '%s'", spec);
        return -1;
    }
    if ((size_t)(eq - spec) == strlen(TP_SPLIT_COL) &&
        strncmp(spec, TP_SPLIT_COL, strlen(TP_SPLIT_COL)) == 0) {
        tp_err(NULL, 0, "--concat: '" TP_SPLIT_COL "' is reserved (" TP_SPLIT_COL_RESERVED ")");
        return -1;
    }
    size_t n = 1;
    for (const char *p = eq + 1; *p; p++)
        n += *p == ',';
    char **v = tp_xmalloc(n * sizeof *v);
    const char *tok = eq + 1;
    for (size_t k = 0; k < n; k++) {
        const char *comma = strchr(tok, ',');
        size_t tl = comma ? (size_t)(comma - tok) : strlen(tok);
        v[k] = tp_xmemdup(tok, tl);
        tok += tl + 1;
    }
    *name = tp_xmemdup(spec, (size_t)(eq - spec));
    *cols = v;
    return (long)n;
}

static int
add_concat(tp_context *c, const char *name, char **cols, size_t ncols, const char *what)
{
    for (size_t i = 0; i < c->nout; i++)
        if (strcmp(c->out[i], name) == 0) {
            tp_err(NULL, 0, "%s: output column '%s' exists already", what, name);
            return -1;
        }
    tp_concat *k = &c->concat[c->nconcat++];
    k->name = tp_xstrdup(name);
    k->n = ncols;
    k->src = tp_xmalloc(ncols * sizeof *k->src);
    for (size_t i = 0; i < ncols; i++) {
        long j = find_col(c, cols[i]);
        if (j < 0) {
            tp_err(NULL, 0, "%s: no column '%s'", what, cols[i]);
            return -1;
        }
        k->src[i] = (size_t)j;
    }
    c->out[c->nout] = tp_xstrdup(name);
    c->type[c->nout] = "object";
    c->nout++;
    return 0;
}

static int
setup_columns(tp_context *c, const tp_merge_opts *o)
{
    static const char *const n3r[] = {"emailAddress", "billingAddressName", "customerName",
                                      "paymentAccountHolderName"};
    size_t cap = c->nin + o->nconcat + 1;
    c->out = tp_xcalloc(cap, sizeof *c->out);
    c->type = tp_xcalloc(cap, sizeof *c->type);
    c->concat = tp_xcalloc(o->nconcat + 1, sizeof *c->concat);
    for (size_t i = 0; i < c->nin; i++) {
        c->out[i] = rename_dot(c->in[i]);
        c->type[i] = (long)i == c->label ? "int64" : tp_colstat_type(&c->stats[i]);
    }
    c->nout = c->nin;
    size_t j;
    long i = tp_first_duplicate((const char *const *)c->out, c->nin, &j);
    if (i >= 0) {
        tp_err(NULL, 0, "columns '%s' and '%s' both become '%s'", c->in[j], c->in[i], c->out[i]);
        return -1;
    }
    int all = 1;
    for (size_t i = 0; i < 4; i++)
        all &= col_index(c->in, c->nin, n3r[i]) >= 0;
    /* a data set that has its text column already (tp's own output, read again) keeps it */
    all &= col_index((char **)c->out, c->nout, "text") < 0;
    if (all && add_concat(c, "text", (char **)n3r, 4, "names3risk text column") < 0)
        return -1;
    for (size_t i = 0; i < o->nconcat; i++) {
        char *name, **cols;
        long ncols = tp_concat_parse(o->concat[i], &name, &cols);
        if (ncols < 0)
            return -1;
        int rc = add_concat(c, name, cols, (size_t)ncols, "--concat");
        tp_strv_free(cols, (size_t)ncols);
        free(name);
        if (rc < 0)
            return -1;
    }
    return 0;
}

char *
tp_keep_path(const char *dir, long shard)
{
    size_t n = strlen(dir) + 32;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/keep/part-%05ld", dir, shard);
    return p;
}

char *
tp_strata_path(const char *dir, long shard)
{
    size_t n = strlen(dir) + 32;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/strata/part-%05ld", dir, shard);
    return p;
}

static int write_context(const tp_context *c, const char *dir);

/* With transforms: DIR/transform/specs for the fit pass (transform.h) and the label
 * vocabulary (labels, for a later --fit-from); with --fit-from, the earlier run's fit
 * copied instead. What an earlier merge left in DIR/transform is removed first, as it
 * belongs to other summaries. */
static int
write_specs(tp_merge *m, const tp_context *c, const char *dir)
{
    static const char *const stale[] = {"fit", "specs", "labels", "transform.json", NULL};
    char *td = tp_merge_join(dir, "transform");
    int rc = 0;
    for (size_t i = 0; stale[i] && rc == 0; i++) {
        char *p = tp_merge_join(td, stale[i]);
        if (unlink(p) < 0 && errno != ENOENT) {
            tp_err(p, 0, "%s", strerror(errno));
            rc = -1;
        }
        free(p);
    }
    if (rc == 0 && m->o.fit_from) {
        char *from = tp_merge_join(m->o.fit_from, "transform");
        tp_tfset *s = tp_tfset_exists(from, "specs") ? tp_tfset_read_specs(from, 0) : NULL;
        if (!s) {
            if (!tp_tfset_exists(from, "specs"))
                tp_err(from, 0,
                       "no fitted transforms here (--fit-from takes the OUTPUT_DIR of "
                       "a run with transforms)");
            rc = -1;
        }
        int same = s && s->n == m->ntf;
        for (size_t i = 0; same && i < m->ntf; i++)
            same = strcmp(s->tf[i].spec, m->tf[i]) == 0;
        if (rc == 0 && !same) {
            tp_err(m->first ? m->first : from, 0,
                   "scanned with other transforms than those fitted in %s (tp-scan --fit-from)",
                   m->o.fit_from);
            rc = -1;
        }
        tp_tfset_free(s);
        if (rc == 0)
            rc = tp_tfset_copy_fit(from, td);
        free(from);
    } else if (rc == 0 && m->ntf > 0) {
        tp_tfset *s = tp_tfset_new((unsigned long long)m->o.seed);
        for (size_t i = 0; i < m->ntf && rc == 0; i++)
            rc = tp_tfset_add(s, m->tf[i]);
        if (rc == 0 && m->o.fit_on)
            rc = tp_tfset_fit_on(s, m->o.fit_on);
        if (rc == 0)
            rc = tp_tfset_write_specs(s, td);
        tp_tfset_free(s);
        if (rc == 0 && c->label >= 0)
            rc = tp_labels_write(td, c->in[c->label], c->vocab, c->vocabv, c->nvocab);
    }
    free(td);
    return rc;
}

static void
merge_free(tp_merge *m)
{
    tp_spill_free(m->sp);
    for (size_t s = 0; s < m->nsh; s++) {
        tp_map_free(m->sh[s].classes);
        free(m->sh[s].stats);
        free(m->sh[s].info.source);
        tp_summary_free(m->sh[s].head);
    }
    free(m->sh);
    tp_map_free(m->labels);
    if (m->cols)
        tp_strv_free(m->cols, m->ncols);
    free(m->label);
    free(m->dedup);
    free(m->temporal);
    free(m->split);
    free(m->splitcol);
    free(m->records);
    free(m->idcol);
    tp_strv_free(m->expand, m->nexpand);
    tp_strv_free(m->tf, m->ntf);
    free(m->first);
    free(m->tmp);
    free(m);
}

void
tp_merge_abort(tp_merge *m)
{
    if (m)
        merge_free(m);
}

/* The finish hooks of one phase, in table order (scanop.h). */
static int
finish_phase(tp_merge *m, tp_context *c, int phase)
{
    for (size_t i = 0; tp_scanops[i]; i++)
        if (tp_scanops[i]->finish && tp_scanops[i]->phase == phase &&
            tp_scanops[i]->finish(m, c) < 0)
            return -1;
    return 0;
}

tp_context *
tp_merge_finish(tp_merge *m)
{
    const char *dir = m->dir;
    tp_context *c = tp_xcalloc(1, sizeof *c);
    int rc = m->failed ? -1 : 0;
    qsort(m->sh, m->nsh, sizeof *m->sh, cmp_shardacc);
    if (rc == 0)
        rc = check_shards(m);
    if (rc == 0)
        rc = merge_xtables(m, c);
    c->job = tp_xstrdup(m->o.job ? m->o.job : tp_job_name(TP_JOB_TRAINING));
    c->r = m->o.r;
    c->q = m->o.q;
    c->seed = m->o.seed;
    c->header = m->have_cols ? m->header : 1;
    c->nin = m->ncols;
    c->in = m->cols;
    m->cols = NULL;
    c->records = m->records;
    m->records = NULL;
    c->idcol = m->idcol;
    m->idcol = NULL;
    c->expand = m->expand;
    c->nexpand = m->nexpand;
    m->expand = NULL;
    m->nexpand = 0;
    for (size_t k = 0; k < c->nx; k++)
        c->xcol[k] = col_index(c->in, c->nin, c->x[k].path);
    c->label = col_index(c->in, c->nin, m->label);
    c->dedup = col_index(c->in, c->nin, m->dedup);
    c->temporal = col_index(c->in, c->nin, m->temporal);
    c->splitcol = col_index(c->in, c->nin, m->splitcol);
    const tp_splitmode_def *mode = tp_splitmode_lookup(m->split);
    if (!mode && !m->have_cols) /* only 0-byte shards, without a signature: nothing to split */
        mode = tp_splitmode_get(TP_SPLIT_NONE);
    c->split = tp_xstrdup(mode ? mode->name : "?");
    if (rc == 0 && !mode) {
        tp_err(m->first, 0, "unknown split mode '%s' in the summary", m->split ? m->split : "");
        rc = -1;
    }

    c->nshards = m->nsh;
    c->shards = tp_xcalloc(m->nsh ? m->nsh : 1, sizeof *c->shards);
    c->stats = tp_xcalloc(c->nin ? c->nin : 1, sizeof *c->stats);
    for (size_t s = 0; s < m->nsh; s++) {
        c->shards[s] = m->sh[s].info;
        m->sh[s].info.source = NULL; /* moved to c */
        if (m->sh[s].stats)
            for (size_t i = 0; i < c->nin; i++)
                tp_colstat_merge(&c->stats[i], &m->sh[s].stats[i]);
        free(m->sh[s].stats);
        m->sh[s].stats = NULL;
        if (!m->sh[s].classes)
            m->sh[s].classes = tp_map_new(sizeof(long long));
    }

    if (rc == 0)
        rc = finish_phase(m, c, TP_SCAN_TYPES);
    if (rc == 0 && c->nin > 0)
        rc = setup_columns(c, &m->o);
    int training = tp_job_lookup(c->job) == TP_JOB_TRAINING;
    if (rc == 0 && training && c->nin > 0 && mode && mode->by == TP_BY_JOB) {
        tp_err(NULL, 0,
               "a training job needs a split mode; the shards were scanned with --split %s",
               mode->name);
        rc = -1;
    }
    if (rc == 0 && (m->o.max_bad >= 0 || m->o.max_bad_fraction)) {
        long long bad = 0, rows = 0;
        for (size_t i = 0; i < c->nshards; i++) {
            bad += c->shards[i].bad;
            rows += c->shards[i].rows;
        }
        /* bad > rows * num / den, in integers: a fraction "0.3" is exactly 3/10 */
        int over = m->o.max_bad_fraction ? (unsigned __int128)bad * m->o.max_bad_ratio.den >
                                               (unsigned __int128)rows * m->o.max_bad_ratio.num
                                         : bad > m->o.max_bad;
        if (over) {
            tp_err(NULL, 0, "%lld bad rows of %lld, more than --max-bad-rows allows (%s)", bad,
                   rows, m->o.max_bad_text);
            rc = -1;
        }
    }
    if (rc == 0)
        rc = finish_phase(m, c, TP_SCAN_SURVIVORS);
    if (rc == 0) {
        for (size_t s = 0; s < c->nshards; s++) {
            tp_shardinfo *si = &c->shards[s];
            si->drop_dup =
                si->rows - si->bad - si->drop_label - si->drop_time - si->drop_key - si->kept;
            c->n += si->kept;
        }
        if (c->temporal < 0 && training && mode && mode->fit == TP_FIT_COUNTS) {
            c->n_train = (long long)tp_ratio_floor((uint64_t)c->n, c->r);
            c->n_test = (long long)tp_ratio_ceil((uint64_t)(c->n - c->n_train), c->q);
            c->n_val = c->n - c->n_train - c->n_test;
        }
        rc = finish_phase(m, c, TP_SCAN_SPLITS);
    }
    if (rc == 0)
        rc = write_context(c, dir);
    if (rc == 0)
        rc = write_specs(m, c, dir);
    merge_free(m);
    if (rc) {
        tp_context_free(c);
        return NULL;
    }
    return c;
}

/* The records of the scan operations that follow the core record tag (scanop.h). */
static int
ops_after(const tp_context *c, tp_out *o, const char *tag)
{
    int rc = 0;
    for (size_t i = 0; tp_scanops[i]; i++)
        if (tp_scanops[i]->write_ctx && strcmp(tp_scanops[i]->ctx_after, tag) == 0)
            rc |= tp_scanops[i]->write_ctx(c, o);
    return rc;
}

static int
write_context(const tp_context *c, const char *dir)
{
    char *path = tp_xmalloc(strlen(dir) + 16);
    sprintf(path, "%s/context", dir);
    tp_out *o = tp_out_open(path, 0);
    free(path);
    if (!o)
        return -1;
    char rb[32], qb[32];
    tp_ratio_format(c->r, rb, sizeof rb);
    tp_ratio_format(c->q, qb, sizeof qb);
    int rc = tp_rec_str(o, "tp-context") || tp_rec_int(o, 2) || tp_rec_end(o);
    rc |= tp_rec_str(o, "header") || tp_rec_int(o, c->header) || tp_rec_end(o);
    rc |= tp_rec_name(o, "records", c->records);
    for (size_t i = 0; i < c->nexpand; i++)
        rc |= tp_rec_name(o, "expand", c->expand[i]);
    rc |= tp_rec_name(o, "id", c->idcol);
    for (size_t k = 0; k < c->nx; k++) {
        const tp_xtable *x = &c->x[k];
        rc |= tp_rec_str(o, "explode") || tp_rec_str(o, x->path) ||
              tp_rec_int(o, (long long)c->xcol[k]) || tp_rec_int(o, x->rows) || tp_rec_end(o);
        for (size_t i = 0; i < x->ncols; i++)
            rc |= tp_rec_str(o, "xin") || tp_rec_str(o, x->cols[i]) ||
                  tp_colstat_write(o, &x->stats[i]) || tp_rec_end(o);
    }
    for (size_t i = 0; i < c->nin; i++)
        rc |= tp_rec_str(o, "in") || tp_rec_str(o, c->in[i]) || tp_colstat_write(o, &c->stats[i]) ||
              tp_rec_end(o);
    rc |= ops_after(c, o, "in");
    for (size_t i = 0; i < c->nin; i++)
        if (tp_decl_name(c->stats[i].declared))
            rc |= tp_rec_str(o, "decl") || tp_rec_int(o, (long long)i) ||
                  tp_rec_str(o, tp_decl_name(c->stats[i].declared)) || tp_rec_end(o);
    for (size_t i = 0; i < c->nout; i++)
        rc |= tp_rec_str(o, "out") || tp_rec_str(o, c->out[i]) || tp_rec_str(o, c->type[i]) ||
              tp_rec_end(o);
    for (size_t i = 0; i < c->nconcat; i++) {
        rc |= tp_rec_str(o, "concat") || tp_rec_str(o, c->concat[i].name);
        for (size_t j = 0; j < c->concat[i].n; j++)
            rc |= tp_rec_int(o, (long long)c->concat[i].src[j]);
        rc |= tp_rec_end(o);
    }
    const long long roles[] = {c->label, c->dedup, c->temporal, c->vocab, c->splitcol};
    rc |= tp_rec_str(o, "roles") || tp_rec_ints(o, roles, 5) || tp_rec_end(o);
    rc |= ops_after(c, o, "roles");
    rc |= tp_rec_str(o, "job") || tp_rec_str(o, c->job) || tp_rec_str(o, c->split) ||
          tp_rec_str(o, rb) || tp_rec_str(o, qb) || tp_rec_int(o, c->seed) || tp_rec_end(o);
    const long long rows[] = {c->n, c->n_train, c->n_val, c->n_test};
    rc |= tp_rec_str(o, "rows") || tp_rec_ints(o, rows, 4) || tp_rec_end(o);
    rc |= ops_after(c, o, "rows");
    /* the shard records come last, sorted by shard number, each with the rows kept
     * before it: tp_context_read_shard finds one without reading the others */
    long long before = 0;
    for (size_t s = 0; s < c->nshards; s++) {
        const tp_shardinfo *si = &c->shards[s];
        const long long v[] = {si->shard,    si->rows,     si->drop_label, si->drop_time,
                               si->drop_key, si->drop_dup, si->kept,       si->bad};
        rc |= tp_rec_str(o, "shard") || tp_rec_ints(o, v, 8) || tp_rec_str(o, si->source) ||
              tp_rec_int(o, si->bytes) || tp_rec_crc(o, si->crc) || tp_rec_int(o, before) ||
              tp_rec_end(o);
        before += si->kept;
    }
    rc |= tp_rec_str(o, "end") || tp_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

static const char *
static_type(const char *t)
{
    static const char *const types[] = {"int64", "float64", "bool", "object"};
    for (size_t i = 0; i < 4; i++)
        if (strcmp(t, types[i]) == 0)
            return types[i];
    return NULL;
}

/* The fields after SOURCE of a shard record: BYTES, CRC, BEFORE. */
static int
shard_tail(char **f, tp_shardinfo *si)
{
    return tp_field_int(f[0], &si->bytes) == 0 && tp_field_crc(f[1], &si->crc) == 0 &&
                   tp_field_int(f[2], &si->before) == 0
               ? 0
               : -1;
}

/*
 * The shard record of shard among the sorted records that fill path from byte off to
 * the final "end" line (checked here, since the reader stopped before it). A binary
 * search over byte offsets: a probe reads from a midpoint to the next line start and
 * compares that record's shard number; once the range is small it is read and scanned.
 * 1 found (*si filled, source NULL), 0 not in the context, -1 with an error recorded.
 */
static int
find_shard(const char *path, long long off, long shard, tp_shardinfo *si)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        tp_err(path, 0, "cannot open: %s", strerror(errno));
        return -1;
    }
    int rc = -1;
    char *buf = NULL, **f = NULL;
    size_t fcap = 0, cap = 0;
    struct stat st;
    char tail[4];
    if (fstat(fd, &st) < 0 || st.st_size < off + 4 || pread(fd, tail, 4, st.st_size - 4) != 4 ||
        memcmp(tail, "end\n", 4) != 0) {
        tp_err(path, 0, "truncated context (no 'end' record)");
        goto out;
    }
    /* lo: a record start whose shard is < shard (or off); hi: a record start whose
     * shard is >= shard (or the 'end' line) */
    long long lo = off, hi = st.st_size - 4;
    while (hi - lo > 65536) {
        long long mid = lo + (hi - lo) / 2, p = -1;
        char probe[64];
        for (long long q = mid; q < hi && p < 0;) {
            ssize_t got = pread(fd, probe, sizeof probe, q);
            if (got <= 0)
                break;
            char *nl = memchr(probe, '\n', (size_t)got);
            if (nl)
                p = q + (nl - probe) + 1;
            q += got;
        }
        if (p < 0 || p >= hi) {
            hi = mid; /* no record starts in [mid, hi): the answer lies before mid */
            continue;
        }
        ssize_t got = pread(fd, probe, sizeof probe - 1, p);
        long long v;
        probe[got > 0 ? got : 0] = '\0';
        char *t1 = strchr(probe, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        char *num = t1 ? t1 + 1 : NULL;
        if (got < 7 || strncmp(probe, "shard\t", 6) != 0 || !t2 ||
            (*t2 = '\0', tp_field_int(num, &v)) < 0) {
            tp_err(path, 0, "malformed context record at byte %lld", p);
            goto out;
        }
        if (v < shard)
            lo = p;
        else
            hi = p;
    }
    /* scan [lo, hi) and the record at hi */
    size_t len = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536 + 8192;
            buf = tp_xrealloc(buf, cap);
        }
        ssize_t got = pread(fd, buf + len, cap - len - 1, lo + (long long)len);
        if (got < 0) {
            tp_err(path, 0, "read error: %s", strerror(errno));
            goto out;
        }
        len += (size_t)got;
        buf[len] = '\0';
        char *last =
            len > (size_t)(hi - lo) ? memchr(buf + (hi - lo), '\n', len - (size_t)(hi - lo)) : NULL;
        if (last || got == 0)
            break;
    }
    rc = 0;
    for (char *s = buf; *s && rc == 0;) {
        char *nl = strchr(s, '\n');
        if (!nl)
            break;
        *nl = '\0';
        size_t n = tp_fields_split(s, &f, &fcap);
        long long v[8];
        if (strcmp(f[0], "end") == 0)
            break;
        if (strcmp(f[0], "shard") != 0 || n != 13 || tp_field_ints(f + 1, 8, v) < 0) {
            tp_err(path, 0, "malformed context record '%s'", f[0]);
            rc = -1;
        } else if (v[0] == shard) {
            si->shard = (long)v[0], si->rows = v[1], si->drop_label = v[2];
            si->drop_time = v[3], si->drop_key = v[4], si->drop_dup = v[5], si->kept = v[6];
            si->bad = v[7];
            si->source = NULL;
            if (shard_tail(f + 10, si) < 0) {
                tp_err(path, 0, "malformed context record 'shard'");
                rc = -1;
            } else {
                rc = 1;
            }
        } else if (v[0] > shard) {
            break;
        }
        s = nl + 1;
    }
out:
    free(buf);
    free(f);
    close(fd);
    return rc;
}

tp_context *
tp_context_read(const char *dir)
{
    return tp_context_read_shard(dir, -1);
}

tp_context *
tp_context_read_shard(const char *dir, long want)
{
    char *path = tp_xmalloc(strlen(dir) + 16);
    sprintf(path, "%s/context", dir);
    tp_lines *l = tp_lines_open(path);
    if (!l) {
        free(path);
        return NULL;
    }
    tp_context *c = tp_xcalloc(1, sizeof *c);
    c->label = c->dedup = c->temporal = c->splitcol = -1;
    size_t incap = 0, outcap = 0, ccap = 0, scap = 0;
    int rc, end = 0;
    long long shard_off = -1;
    char **f;
    size_t n;
    long long v[8];
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        const char *tag = f[0];
        const tp_scanop *op;
        int ok = 1;
        if (tp_lines_line(l) == 1) {
            ok = n == 2 && strcmp(tag, "tp-context") == 0 && strcmp(f[1], "2") == 0;
        } else if (end) {
            ok = 0;
        } else if (strcmp(tag, "end") == 0) {
            end = 1;
        } else if (strcmp(tag, "header") == 0 && n == 2) {
            c->header = strcmp(f[1], "0") == 0 ? 0 : strcmp(f[1], "2") == 0 ? 2 : 1;
        } else if (strcmp(tag, "records") == 0 && n == 2) {
            free(c->records);
            c->records = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "id") == 0 && n == 2) {
            free(c->idcol);
            c->idcol = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "expand") == 0 && n == 2) {
            c->expand = tp_xrealloc(c->expand, (c->nexpand + 1) * sizeof *c->expand);
            c->expand[c->nexpand++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "explode") == 0 && n == 4) {
            long long col, xrows;
            ok = tp_field_int(f[2], &col) == 0 && tp_field_int(f[3], &xrows) == 0;
            if (ok) {
                c->x = tp_xrealloc(c->x, (c->nx + 1) * sizeof *c->x);
                c->xcol = tp_xrealloc(c->xcol, (c->nx + 1) * sizeof *c->xcol);
                tp_xtable *x = &c->x[c->nx];
                memset(x, 0, sizeof *x);
                x->path = tp_xstrdup(f[1]);
                x->rows = xrows;
                c->xcol[c->nx++] = (long)col;
            }
        } else if (strcmp(tag, "xin") == 0 && n == 2 + TP_COLSTAT_FIELDS && c->nx > 0) {
            tp_xtable *x = &c->x[c->nx - 1];
            x->cols = tp_xrealloc(x->cols, (x->ncols + 1) * sizeof *x->cols);
            x->stats = tp_xrealloc(x->stats, (x->ncols + 1) * sizeof *x->stats);
            tp_colstat_init(&x->stats[x->ncols]);
            ok = tp_colstat_read(f + 2, &x->stats[x->ncols]) == 0;
            x->cols[x->ncols++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "in") == 0 && n == 2 + TP_COLSTAT_FIELDS) {
            if (c->nin == incap) {
                incap = incap ? 2 * incap : 32;
                c->in = tp_xrealloc(c->in, incap * sizeof *c->in);
                c->stats = tp_xrealloc(c->stats, incap * sizeof *c->stats);
            }
            tp_colstat_init(&c->stats[c->nin]);
            ok = tp_colstat_read(f + 2, &c->stats[c->nin]) == 0;
            c->in[c->nin++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "decl") == 0 && n == 3) {
            ok = tp_field_int(f[1], &v[0]) == 0 && v[0] >= 0 && (size_t)v[0] < c->nin &&
                 tp_decl_parse(f[2]) != TP_DECL_NONE;
            if (ok)
                c->stats[v[0]].declared = tp_decl_parse(f[2]);
        } else if (strcmp(tag, "out") == 0 && n == 3) {
            if (c->nout == outcap) {
                outcap = outcap ? 2 * outcap : 32;
                c->out = tp_xrealloc(c->out, outcap * sizeof *c->out);
                c->type = tp_xrealloc(c->type, outcap * sizeof *c->type);
            }
            c->type[c->nout] = static_type(f[2]);
            ok = c->type[c->nout] != NULL;
            c->out[c->nout++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "concat") == 0 && n >= 2) {
            if (c->nconcat == ccap) {
                ccap = ccap ? 2 * ccap : 4;
                c->concat = tp_xrealloc(c->concat, ccap * sizeof *c->concat);
            }
            tp_concat *k = &c->concat[c->nconcat++];
            k->name = tp_xstrdup(f[1]);
            k->n = n - 2;
            k->src = tp_xmalloc((k->n ? k->n : 1) * sizeof *k->src);
            for (size_t i = 0; i < k->n && ok; i++) {
                ok = tp_field_int(f[2 + i], &v[0]) == 0 && v[0] >= 0 && (size_t)v[0] < c->nin;
                k->src[i] = ok ? (size_t)v[0] : 0;
            }
        } else if (strcmp(tag, "roles") == 0 && n == 6) {
            ok = tp_field_ints(f + 1, 5, v) == 0;
            c->label = (long)v[0], c->dedup = (long)v[1], c->temporal = (long)v[2];
            c->vocab = (int)v[3], c->splitcol = (long)v[4];
        } else if (strcmp(tag, "job") == 0 && n == 6) {
            free(c->job);
            free(c->split);
            c->job = tp_xstrdup(f[1]);
            c->split = tp_xstrdup(f[2]);
            ok = tp_parse_ratio("train ratio", f[3], &c->r) == 0 &&
                 tp_parse_ratio("test-val ratio", f[4], &c->q) == 0 &&
                 tp_field_int(f[5], &c->seed) == 0;
        } else if (strcmp(tag, "rows") == 0 && n == 5) {
            ok = tp_field_ints(f + 1, 4, v) == 0;
            c->n = v[0], c->n_train = v[1], c->n_val = v[2], c->n_test = v[3];
        } else if (strcmp(tag, "shard") == 0 && want >= 0) {
            /* the first shard record: the rest of the file is shard records */
            shard_off = tp_lines_offset(l);
            rc = 0;
            break;
        } else if ((op = tp_scanop_by_tag(tag, 1)) != NULL) {
            ok = op->read_ctx(c, f, n) == 0;
        } else if (strcmp(tag, "shard") == 0 && n == 13) {
            if (c->nshards == scap) {
                scap = scap ? 2 * scap : 16;
                c->shards = tp_xrealloc(c->shards, scap * sizeof *c->shards);
            }
            tp_shardinfo *si = &c->shards[c->nshards++];
            ok = tp_field_ints(f + 1, 8, v) == 0;
            si->shard = (long)v[0], si->rows = v[1], si->drop_label = v[2];
            si->drop_time = v[3], si->drop_key = v[4], si->drop_dup = v[5], si->kept = v[6];
            si->bad = v[7];
            si->source = tp_xstrdup(f[9]);
            ok = ok && shard_tail(f + 10, si) == 0;
        } else {
            ok = 0;
        }
        if (!ok) {
            tp_rec_malformed(l, "context", tag);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && shard_off >= 0) {
        tp_shardinfo si;
        int found = find_shard(path, shard_off, want, &si);
        if (found < 0) {
            rc = -1;
        } else {
            end = 1;
            if (found) {
                c->shards = tp_xmalloc(sizeof *c->shards);
                c->shards[0] = si;
                c->nshards = 1;
            }
        }
    }
    if (rc == 0 && !end) {
        tp_err(path, 0, "truncated context (no 'end' record)");
        rc = -1;
    }
    if (rc == 0 && (!c->job || c->nout < c->nin)) {
        tp_err(path, 0, "incomplete context");
        rc = -1;
    }
    tp_lines_close(l);
    free(path);
    if (rc == 0) {
        /* fitted transforms change the columns pass 2 writes */
        char *td = tp_merge_join(dir, "transform");
        if (tp_tfset_exists(td, "fit")) {
            char **names;
            const char **types;
            long *src;
            long n = tp_tfset_read_columns(td, &names, &types, &src);
            if (n < 0)
                rc = -1;
            else
                tp_context_set_final(c, names, types, src, (size_t)n);
        }
        free(td);
    }
    if (rc < 0) {
        tp_context_free(c);
        return NULL;
    }
    return c;
}

void
tp_context_free(tp_context *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nin; i++)
        free(c->in[i]);
    free(c->in);
    free(c->records);
    tp_xtable_free(c->x, c->nx);
    free(c->xcol);
    tp_strv_free(c->expand, c->nexpand);
    free(c->idcol);
    for (size_t i = 0; i < c->nout; i++)
        free(c->out[i]);
    free(c->out);
    free(c->type);
    for (size_t i = 0; i < c->nfinal; i++)
        free(c->final[i]);
    free(c->final);
    free(c->ftype);
    free(c->fsrc);
    free(c->stats);
    for (size_t i = 0; tp_scanops[i]; i++)
        if (tp_scanops[i]->free_ctx)
            tp_scanops[i]->free_ctx(c);
    for (size_t i = 0; i < c->nconcat; i++) {
        free(c->concat[i].name);
        free(c->concat[i].src);
    }
    free(c->concat);
    free(c->job);
    free(c->split);
    for (size_t s = 0; s < c->nshards; s++)
        free(c->shards[s].source);
    free(c->shards);
    free(c);
}

long
tp_context_shard(const tp_context *c, long shard)
{
    size_t lo = 0, hi = c->nshards;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->shards[mid].shard < shard)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nshards && c->shards[lo].shard == shard ? (long)lo : -1;
}

static int
write_small(const char *outdir, const char *sub, tp_out **o)
{
    size_t n = strlen(outdir) + 2 * strlen(sub) + 4;
    char *path = tp_xmalloc(n);
    snprintf(path, n, "%s/%s", outdir, sub);
    int rc = tp_mkdirs(path, 0777);
    snprintf(path, n, "%s/%s/%s", outdir, sub, sub);
    *o = rc == 0 ? tp_out_open(path, 0) : NULL;
    free(path);
    return *o ? 0 : -1;
}

static int
json_num(tp_out *o, const char *name, double v, int valid)
{
    if (!valid || v != v || v > 1.7976931348623157e308 || v < -1.7976931348623157e308)
        return tp_out_printf(o, ", \"%s\": null", name);
    return tp_out_printf(o, ", \"%s\": %.17g", name, v);
}

/* Member m of {min, max, mean, std, distinct} of input column j from its statistics. */
static int
json_stat(tp_out *o, const tp_context *c, size_t j, size_t m)
{
    const tp_colstat *st = &c->stats[j];
    const char *t = c->type[j];
    int isint = strcmp(t, "int64") == 0, isfloat = strcmp(t, "float64") == 0;
    switch (m) {
    case 0:
    case 1:
        if (isint && st->nint > 0)
            return tp_out_printf(o, ", \"%s\": %lld", m ? "max" : "min",
                                 (long long)(m ? st->imax : st->imin));
        return json_num(o, m ? "max" : "min", m ? st->max : st->min, isfloat && st->nnum > 0);
    case 2:
    case 3:
        if (strcmp(t, "bool") == 0 && st->nbool > 0) {
            double p = (double)st->ntrue / (double)st->nbool;
            return m == 2 ? json_num(o, "mean", p, 1) : json_num(o, "std", sqrt(p * (1 - p)), 1);
        }
        return m == 2 ? json_num(o, "mean", st->mean, (isint || isfloat) && st->nnum > 0)
                      : json_num(o, "std", tp_colstat_std(st), (isint || isfloat) && st->nnum > 0);
    default:
        return tp_out_printf(o, ", \"distinct\": null");
    }
}

/* One output column's statistics. Label: over the values as written; concat: counts. */
static int
json_column(tp_out *o, const tp_context *c, size_t j)
{
    int rc = tp_out_printf(o, "    {\"varname\": ");
    rc |= tp_json_str(o, c->out[j]);
    rc |= tp_out_printf(o, ", \"iscategory\": %s, \"datatype\": \"%s\"",
                        strcmp(c->type[j], "object") == 0 ? "true" : "false", c->type[j]);
    if (j >= c->nin) {
        /* concatenated text: one value per row, never missing */
        long long rows = 0;
        for (size_t s = 0; s < c->nshards; s++)
            rows += c->shards[s].rows;
        rc |= tp_out_printf(o, ", \"count\": %lld, \"missing\": 0", rows);
        rc |= tp_out_printf(o, ", \"min\": null, \"max\": null, \"mean\": null, \"std\": null, "
                               "\"distinct\": null}");
        return rc;
    }
    const tp_colstat *st = &c->stats[j];
    rc |= tp_out_printf(o, ", \"count\": %lld, \"missing\": %lld", st->count, st->missing);
    /* each member from the scan operation that owns it for the column (scanop.h), else
     * from the statistics of pass 1 */
    static const char *const members[] = {"min", "max", "mean", "std", "distinct"};
    for (size_t m = 0; m < 5; m++) {
        int owned = 0;
        for (size_t i = 0; tp_scanops[i] && !owned; i++)
            if (tp_scanops[i]->json)
                owned = tp_scanops[i]->json(c, j, members[m], o);
        if (owned < 0)
            return -1;
        if (!owned)
            rc |= json_stat(o, c, j, m);
    }
    return rc | tp_out_printf(o, "}");
}

static int
write_json(const tp_context *c, const char *outdir)
{
    size_t n = strlen(outdir) + 32;
    char *path = tp_xmalloc(n);
    snprintf(path, n, "%s/metadata/metadata.json", outdir);
    tp_out *o = tp_out_open(path, 0);
    free(path);
    if (!o)
        return -1;
    long long rows = 0;
    for (size_t s = 0; s < c->nshards; s++)
        rows += c->shards[s].rows;
    int rc = tp_out_printf(o, "{\n  \"tp_version\": \"%s\",\n", TP_VERSION);
    rc |= tp_out_printf(o, "  \"rows_read\": %lld,\n  \"rows_written\": %lld,\n", rows, c->n);
    rc |=
        tp_out_printf(o, "  \"statistics_over\": \"all rows read in pass 1\",\n  \"columns\": [\n");
    size_t nout = c->nfinal ? c->nfinal : c->nout;
    size_t last = nout;
    while (last > 0 && tp_context_exploded(c, c->nfinal ? c->fsrc[last - 1] : (long)last - 1))
        last--;
    for (size_t j = 0; j < nout; j++) {
        long k = c->nfinal ? c->fsrc[j] : (long)j;
        if (tp_context_exploded(c, k))
            continue;
        if (k >= 0) {
            rc |= json_column(o, c, (size_t)k);
        } else {
            /* a transform's output: its fit is in transform/transform.json */
            rc |= tp_out_printf(o, "    {\"varname\": ");
            rc |= tp_json_str(o, c->final[j]);
            rc |= tp_out_printf(o,
                                ", \"iscategory\": false, \"datatype\": \"%s\", \"transformed\": "
                                "true, \"count\": null, \"missing\": null, \"min\": null, "
                                "\"max\": null, \"mean\": null, \"std\": null, \"distinct\": null}",
                                c->ftype[j]);
        }
        rc |= tp_out_printf(o, "%s\n", j + 1 < last ? "," : "");
    }
    rc |= tp_out_printf(o, "  ]\n}\n");
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

void
tp_context_set_final(tp_context *c, char **names, const char **types, long *src, size_t n)
{
    size_t nc = c->nout - c->nin;
    for (size_t i = 0; i < c->nfinal; i++)
        free(c->final[i]);
    free(c->final);
    free(c->ftype);
    free(c->fsrc);
    c->fsrc = tp_xrealloc(src, (n + nc + 1) * sizeof *src);
    c->final = tp_xrealloc(names, (n + nc + 1) * sizeof *names);
    c->ftype = tp_xrealloc(types, (n + nc + 1) * sizeof *types);
    for (size_t i = 0; i < nc; i++) {
        c->final[n + i] = tp_xstrdup(c->out[c->nin + i]);
        c->ftype[n + i] = c->type[c->nin + i];
        c->fsrc[n + i] = (long)(c->nin + i);
    }
    c->nfinal = n + nc;
}

long
tp_context_col(const tp_context *c, const char *name)
{
    return col_index(c->in, c->nin, name);
}

int
tp_context_exploded(const tp_context *c, long in)
{
    for (size_t k = 0; in >= 0 && k < c->nx; k++)
        if (c->xcol[k] == in)
            return 1;
    return 0;
}

/* OUT/PATH/signature/signature and OUT/PATH/metadata/metadata of a child table. */
static int
write_xtable(const tp_xtable *x, const char *outdir)
{
    size_t n = strlen(outdir) + strlen(x->path) + 2;
    char *dir = tp_xmalloc(n);
    snprintf(dir, n, "%s/%s", outdir, x->path);
    tp_out *o;
    int rc = write_small(dir, "signature", &o);
    if (rc == 0) {
        rc |= tp_out_rec_field(o, "_parent", 7, ',') | tp_out_rec_field(o, "_index", 6, ',');
        for (size_t i = 0; i < x->ncols; i++)
            rc |= tp_out_rec_field(o, x->cols[i], strlen(x->cols[i]), ',');
        rc |= tp_out_rec_end(o);
        rc = rc ? (tp_out_abort(o), -1) : tp_out_commit(o, NULL);
    }
    if (rc == 0 && (rc = write_small(dir, "metadata", &o)) == 0) {
        rc = tp_out_printf(
            o, "varname,iscategory,datatype\n_parent,true,object\n_index,false,int64\n");
        for (size_t i = 0; i < x->ncols; i++) {
            const char *t = tp_colstat_type(&x->stats[i]);
            const char *cat = strcmp(t, "object") == 0 ? "true" : "false";
            rc |= tp_out_rec_field(o, x->cols[i], strlen(x->cols[i]), ',');
            rc |= tp_out_rec_field(o, cat, strlen(cat), ',');
            rc |= tp_out_rec_field(o, t, strlen(t), ',');
            rc |= tp_out_rec_end(o);
        }
        rc = rc ? (tp_out_abort(o), -1) : tp_out_commit(o, NULL);
    }
    free(dir);
    return rc;
}

int
tp_context_write_outputs(const tp_context *c, const char *outdir, int json)
{
    tp_out *o;
    char *const *out = c->nfinal ? c->final : c->out;
    const char *const *type = c->nfinal ? c->ftype : c->type;
    size_t nout = c->nfinal ? c->nfinal : c->nout;
    for (size_t k = 0; k < c->nx; k++)
        if (write_xtable(&c->x[k], outdir) < 0)
            return -1;
    if (write_small(outdir, "signature", &o) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < nout; i++)
        if (!tp_context_exploded(c, c->nfinal ? c->fsrc[i] : (long)i))
            rc |= tp_out_rec_field(o, out[i], strlen(out[i]), ',');
    rc |= tp_out_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    if (tp_out_commit(o, NULL) < 0 || write_small(outdir, "metadata", &o) < 0)
        return -1;
    rc = tp_out_printf(o, "varname,iscategory,datatype\n");
    for (size_t i = 0; i < nout; i++) {
        if (tp_context_exploded(c, c->nfinal ? c->fsrc[i] : (long)i))
            continue;
        const char *cat = strcmp(type[i], "object") == 0 ? "true" : "false";
        rc |= tp_out_rec_field(o, out[i], strlen(out[i]), ',');
        rc |= tp_out_rec_field(o, cat, strlen(cat), ',');
        rc |= tp_out_rec_field(o, type[i], strlen(type[i]), ',');
        rc |= tp_out_rec_end(o);
    }
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    if (tp_out_commit(o, NULL) < 0)
        return -1;
    return json ? write_json(c, outdir) : 0;
}

void
tp_format_time(int64_t us, char *buf, size_t size)
{
    int64_t secs = us / 1000000, frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        secs--;
    }
    int64_t days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days--;
    }
    /* civil_from_days, H. Hinnant (2013) */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
    int n =
        snprintf(buf, size,
                 "%04" PRId64 "-%02" PRId64 "-%02" PRId64 " %02" PRId64 ":%02" PRId64 ":%02" PRId64,
                 y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
    if (frac && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, ".%06" PRId64, frac);
}
