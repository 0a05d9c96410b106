/* Hash map: insertion, lookup, growth, insertion order, binary keys. */
#include "map.h"
#include "summary.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
test_map(void)
{
    tp_map *m = tp_map_new(sizeof(long));
    char k[32];
    int created, ok = 1;
    for (long i = 0; i < 100000; i++) {
        int n = snprintf(k, sizeof k, "key%ld", i);
        long *v = tp_map_put(m, k, (size_t)n, &created);
        ok &= created;
        *v = i;
    }
    CHECK(ok);
    CHECK(tp_map_size(m) == 100000);
    long *v = tp_map_put(m, "key77", 5, &created);
    CHECK(!created && *v == 77);
    CHECK(tp_map_get(m, "key99999", 8) && *(long *)tp_map_get(m, "key99999", 8) == 99999);
    CHECK(tp_map_get(m, "nope", 4) == NULL);
    size_t n;
    CHECK(strcmp(tp_map_key(m, 5, &n), "key5") == 0 && n == 4);
    CHECK(*(long *)tp_map_val(m, 5) == 5);
    tp_map_free(m);

    tp_map *s = tp_map_new(0);
    tp_map_put(s, "b", 1, NULL);
    tp_map_put(s, "a\0x", 3, NULL);
    tp_map_put(s, "a", 1, NULL);
    tp_map_put(s, "", 0, NULL);
    CHECK(tp_map_size(s) == 4);
    size_t *ix = tp_map_sorted(s);
    CHECK(tp_map_key(s, ix[0], &n) && n == 0);
    CHECK(strcmp(tp_map_key(s, ix[1], &n), "a") == 0 && n == 1);
    CHECK(tp_map_key(s, ix[2], &n) && n == 3);
    CHECK(strcmp(tp_map_key(s, ix[3], &n), "b") == 0);
    free(ix);
    tp_map_free(s);

    tp_keyrec a = {5, 9, 1, -1}, b = {5, 2, 2, -1}, c = {4, 100, 9, -1};
    CHECK(tp_keyrec_before(&a, &b));  /* same time: lower shard first */
    CHECK(tp_keyrec_before(&c, &a));  /* earlier time first */
    CHECK(!tp_keyrec_before(&a, &a)); /* strict */
}
