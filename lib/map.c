/*
 * String-keyed hash map with an arena for keys and an insertion-ordered value array.
 */
#include "map.h"

#include "err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    const char *key;
    size_t len;
    uint64_t hash;
};

struct block {
    struct block *next;
    size_t used, cap;
    char data[];
};

struct tp_map {
    size_t vsize;
    size_t n;          /* entries */
    size_t ecap;       /* capacity of ent/val */
    struct entry *ent; /* insertion order */
    char *val;
    uint32_t *slot; /* entry index + 1, 0 = empty */
    size_t mask;    /* table size - 1 */
    struct block *arena;
    size_t bytes;
};

static uint64_t
fnv1a(const void *key, size_t n)
{
    const unsigned char *p = key;
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

tp_map *
tp_map_new(size_t vsize)
{
    tp_map *m = tp_xcalloc(1, sizeof *m);
    m->vsize = vsize;
    m->mask = 63;
    m->slot = tp_xcalloc(m->mask + 1, sizeof *m->slot);
    return m;
}

void
tp_map_free(tp_map *m)
{
    if (!m)
        return;
    for (struct block *b = m->arena, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(m->ent);
    free(m->val);
    free(m->slot);
    free(m);
}

static const char *
arena_copy(tp_map *m, const void *key, size_t n)
{
    struct block *b = m->arena;
    if (!b || b->cap - b->used < n + 1) {
        size_t cap = n + 1 > 1 << 20 ? n + 1 : 1 << 20;
        b = tp_xmalloc(sizeof *b + cap);
        b->cap = cap;
        b->used = 0;
        b->next = m->arena;
        m->arena = b;
        m->bytes += sizeof *b;
    }
    m->bytes += n + 1;
    char *p = b->data + b->used;
    memcpy(p, key, n);
    p[n] = '\0';
    b->used += n + 1;
    return p;
}

static size_t
find(const tp_map *m, const void *key, size_t n, uint64_t h)
{
    size_t i = (size_t)h & m->mask;
    for (;; i = (i + 1) & m->mask) {
        uint32_t s = m->slot[i];
        if (s == 0)
            return i;
        const struct entry *e = &m->ent[s - 1];
        if (e->hash == h && e->len == n && memcmp(e->key, key, n) == 0)
            return i;
    }
}

void *
tp_map_get(const tp_map *m, const void *key, size_t n)
{
    uint32_t s = m->slot[find(m, key, n, fnv1a(key, n))];
    return s ? m->val + (size_t)(s - 1) * m->vsize : NULL;
}

static void
grow(tp_map *m)
{
    size_t size = (m->mask + 1) * 2;
    free(m->slot);
    m->slot = tp_xcalloc(size, sizeof *m->slot);
    m->mask = size - 1;
    for (size_t k = 0; k < m->n; k++) {
        size_t i = (size_t)m->ent[k].hash & m->mask;
        while (m->slot[i])
            i = (i + 1) & m->mask;
        m->slot[i] = (uint32_t)(k + 1);
    }
}

void *
tp_map_put(tp_map *m, const void *key, size_t n, int *created)
{
    uint64_t h = fnv1a(key, n);
    size_t i = find(m, key, n, h);
    if (m->slot[i]) {
        if (created)
            *created = 0;
        return m->val + (size_t)(m->slot[i] - 1) * m->vsize;
    }
    if (m->n == UINT32_MAX - 1)
        tp_fatal(TP_EXIT_DATA, "hash map full (4294967294 entries)");
    if (m->n == m->ecap) {
        m->ecap = m->ecap ? m->ecap * 2 : 64;
        m->ent = tp_xrealloc(m->ent, m->ecap * sizeof *m->ent);
        m->val = tp_xrealloc(m->val, m->ecap * (m->vsize ? m->vsize : 1));
    }
    struct entry *e = &m->ent[m->n];
    e->key = arena_copy(m, key, n);
    e->len = n;
    e->hash = h;
    void *v = m->val + m->n * m->vsize;
    memset(v, 0, m->vsize);
    m->slot[i] = (uint32_t)(m->n + 1);
    m->n++;
    if (m->n * 2 > m->mask + 1)
        grow(m);
    if (created)
        *created = 1;
    return v;
}

long
tp_map_index(const tp_map *m, const void *key, size_t n)
{
    uint32_t s = m->slot[find(m, key, n, fnv1a(key, n))];
    return s ? (long)s - 1 : -1;
}

size_t
tp_map_size(const tp_map *m)
{
    return m->n;
}

const char *
tp_map_key(const tp_map *m, size_t i, size_t *n)
{
    if (n)
        *n = m->ent[i].len;
    return m->ent[i].key;
}

void *
tp_map_val(const tp_map *m, size_t i)
{
    return m->val + i * m->vsize;
}

size_t
tp_map_bytes(const tp_map *m)
{
    return m->bytes + m->n * (sizeof *m->ent + m->vsize) + (m->mask + 1) * sizeof *m->slot;
}
