/*
 * Hash map from byte strings to fixed-size values, for label vocabularies, dedup keys and
 * temporal value counts. Open addressing with linear probing over a power-of-two table
 * (load <= 1/2); keys are copied into an arena of large blocks, values into one array in
 * insertion order, so iteration is in insertion order and allocation is amortised
 * (no allocation per entry). Hash: 64-bit FNV-1a (Fowler, Noll, Vo), used only inside
 * the process; nothing tp writes depends on it.
 */
#ifndef TP_MAP_H
#define TP_MAP_H

#include <stddef.h>

typedef struct tp_map tp_map;

/* A map whose values are vsize bytes (vsize >= 0; 0 makes a set). */
tp_map *tp_map_new(size_t vsize);
void tp_map_free(tp_map *m);

/* Value of key (n bytes), or NULL when absent. */
void *tp_map_get(const tp_map *m, const void *key, size_t n);

/*
 * Value slot of key, inserted (zero-filled) when absent; *created (if non-NULL) tells
 * which. The pointer is valid until the next insertion.
 */
void *tp_map_put(tp_map *m, const void *key, size_t n, int *created);

size_t tp_map_size(const tp_map *m);

/* Insertion index of key, or -1 when absent. */
long tp_map_index(const tp_map *m, const void *key, size_t n);

/* Entry i (0 <= i < size) in insertion order: key bytes (NUL-terminated), length, value. */
const char *tp_map_key(const tp_map *m, size_t i, size_t *n);
void *tp_map_val(const tp_map *m, size_t i);

/*
 * Approximate bytes in use, for memory bounds: the keys' bytes, the entries and values,
 * and the table. An arena block or an entry array counts as it fills, not as allocated:
 * the pages not yet written are not resident.
 */
size_t tp_map_bytes(const tp_map *m);

#endif
