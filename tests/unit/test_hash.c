/* SipHash-2-4 against the reference test vectors (key 00..0f, messages 00..n-1). */
#include "hash.h"
#include "unit.h"

#include <string.h>

void
test_hash(void)
{
    unsigned char msg[64];
    for (int i = 0; i < 64; i++)
        msg[i] = (unsigned char)i;
    uint64_t k0 = 0x0706050403020100ULL, k1 = 0x0f0e0d0c0b0a0908ULL;
    CHECK(tp_siphash(msg, 0, k0, k1) == 0x726fdb47dd0e0e31ULL);
    CHECK(tp_siphash(msg, 1, k0, k1) == 0x74f839c593dc67fdULL);
    CHECK(tp_siphash(msg, 8, k0, k1) == 0x93f5f5799a932462ULL);
    CHECK(tp_siphash(msg, 15, k0, k1) == 0xa129ca6149be45e5ULL);
    CHECK(tp_siphash(msg, 63, k0, k1) == 0x958a324ceb064572ULL);
    /* pinned values of tp's own keys: changing them changes every split */
    CHECK(tp_hash_row(42, 0) == 0x84bb885dfb7194e0ULL);
    CHECK(tp_hash_value(42, "C0001", 5) == 0x64958ae8a32f3856ULL);
    CHECK(tp_hash_row(42, 0) != tp_hash_row(42, 1));
    CHECK(tp_hash_row(42, 7) != tp_hash_row(43, 7));
    CHECK(tp_hash_value(42, "abc", 3) == tp_hash_value(42, "abc", 3));
    CHECK(tp_hash_value(42, "abc", 3) != tp_hash_value(42, "abd", 3));

    /* tp_permute is a bijection of [0, n) for every n, and depends on the seed */
    static unsigned char seen[5000];
    int ok = 1;
    for (uint64_t n = 1; n <= 5000; n = n < 20 ? n + 1 : n * 3 + 1) {
        memset(seen, 0, sizeof seen);
        for (uint64_t i = 0; i < n; i++) {
            uint64_t p = tp_permute(7, n, i);
            ok &= p < n && !seen[p];
            if (p < n) seen[p] = 1;
        }
    }
    CHECK(ok);
    int moved = 0, differ = 0;
    for (uint64_t i = 0; i < 1000; i++) {
        moved += tp_permute(42, 1000, i) != i;
        differ += tp_permute(42, 1000, i) != tp_permute(43, 1000, i);
    }
    CHECK(moved > 900 && differ > 900);
    CHECK(tp_permute(42, 1000, 0) == 154); /* pinned: a change reshuffles every split */
    CHECK(tp_permute(42, 3000000, 123456) == 1379335);
}
