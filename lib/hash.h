/*
 * The hash of the split modes: SipHash-2-4 (J.-P. Aumasson and D. J. Bernstein,
 * "SipHash: a fast short-input PRF", INDOCRYPT 2012), with the 128-bit key made of the
 * seed (k0) and 0 (k1). It is fixed by this project, defined on bytes with
 * little-endian word loads whatever the machine, and never taken from a library whose
 * internal hash may change between versions: a row keeps its split across tp
 * versions and machines for the same seed.
 */
#ifndef TP_HASH_H
#define TP_HASH_H

#include <stddef.h>
#include <stdint.h>

/* SipHash-2-4 of n bytes at p under the key (k0, k1). */
uint64_t tp_siphash(const void *p, size_t n, uint64_t k0, uint64_t k1);

/*
 * Split key of a value (group:COL, hash:COL): SipHash of the byte 'v' followed by the
 * value's bytes, under (seed, 0).
 */
uint64_t tp_hash_value(uint64_t seed, const char *s, size_t n);

/*
 * Split key of a row (random, stratified): SipHash of the byte 'r' followed by the
 * 8-byte little-endian global row index, under (seed, 0). The global row index counts
 * rows over all shards in shard-number order, so it does not depend on how the rows
 * were cut into shards.
 */
uint64_t tp_hash_row(uint64_t seed, uint64_t global_row);

/*
 * A keyed pseudo-random permutation of [0, n) (n >= 1): the position of element i in a
 * seeded shuffle of n elements, computed for one element at a time in O(1) memory, so
 * that each row's split follows from its rank among the surviving rows alone (random
 * and stratified modes). Construction: a balanced Feistel network of 6 rounds
 * (M. Luby and C. Rackoff, SIAM J. Comput. 17(2), 1988) over the smallest even bit
 * width w with 2^w >= n, round function SipHash-2-4 under (seed, 0) of the byte 'p',
 * the round number, n and the right half (8-byte little-endian each), and cycle walking
 * to stay inside [0, n) (J. Black and P. Rogaway, "Ciphers with arbitrary finite
 * domains", CT-RSA 2002). i must be < n.
 */
uint64_t tp_permute(uint64_t seed, uint64_t n, uint64_t i);

#endif
