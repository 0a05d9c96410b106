/* SipHash-2-4 against the reference test vectors (key 00..0f, messages 00..n-1). */
#include "hash.h"
#include "unit.h"

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
}
