#!/usr/bin/env python3
"""The split of every row, computed from the text of tp-split(1) alone.

A reference for tests/splits.bats, written from the sections DESCRIPTION (the modes
random, stratified, group:COL and hash:COL) and HASH AND PERMUTATION of man/tp-split.1,
never from tp's C code: SipHash-2-4 as published by Aumasson and Bernstein, the
Feistel permutation with cycle walking, the cuts of the value hash and the exact
counts. Python's standard library only.

usage: split_ref.py MODE SEED R Q LABEL SHARD.csv...

MODE is random, stratified, group:COL or hash:COL; R and Q the train and test-val
ratios as decimals; LABEL the label column (rows without a label are dropped first).
The shards are given in shard-number order. Prints one line "ID<TAB>SPLIT" per
surviving row, ID being the value of the first column.
"""

import csv
import re
import sys
from fractions import Fraction

MASK = (1 << 64) - 1
MISSING = {"", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None",
           "<NA>", "#N/A", "#NA", "#N/A N/A", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"}


def rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK


def siphash24(k0, k1, m):
    """SipHash-2-4 (Aumasson and Bernstein, 2012, section 2) of the bytes m."""
    v0 = k0 ^ 0x736F6D6570736575
    v1 = k1 ^ 0x646F72616E646F6D
    v2 = k0 ^ 0x6C7967656E657261
    v3 = k1 ^ 0x7465646279746573

    def rounds(n):
        nonlocal v0, v1, v2, v3
        for _ in range(n):
            v0 = (v0 + v1) & MASK; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32)
            v2 = (v2 + v3) & MASK; v3 = rotl(v3, 16); v3 ^= v2
            v0 = (v0 + v3) & MASK; v3 = rotl(v3, 21); v3 ^= v0
            v2 = (v2 + v1) & MASK; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32)

    # the last word holds the remaining bytes and, in its top byte, len(m) mod 256
    tail = len(m) - len(m) % 8
    words = [int.from_bytes(m[i:i + 8], "little") for i in range(0, tail, 8)]
    words.append(int.from_bytes(m[tail:], "little") | ((len(m) & 0xFF) << 56))
    for w in words:
        v3 ^= w
        rounds(2)
        v0 ^= w
    v2 ^= 0xFF
    rounds(4)
    return v0 ^ v1 ^ v2 ^ v3


def H(k, m):
    """tp-split(1): SipHash-2-4 of m under the 128-bit key (k, 0)."""
    return siphash24(k & MASK, 0, m)


def permute(k, n, i):
    """tp-split(1): P(k, n, i), 6 Feistel rounds over w bits, cycle walking below n."""
    if n == 1:
        return 0
    w = 2
    while (1 << w) < n:
        w += 2
    half = w // 2
    low = (1 << half) - 1
    x = i
    while True:
        left, right = x >> half, x & low
        for j in range(6):
            msg = b"p" + bytes([j]) + n.to_bytes(8, "little") + right.to_bytes(8, "little")
            f = H(k, msg) & low
            left, right = right, left ^ f
        x = (left << half) + right
        if x < n:
            return x


def counts(n, r, q):
    """n_train = floor(n r), n_test = ceil((n - n_train) q), n_val the rest."""
    train = (n * r.numerator) // r.denominator
    test = -((-(n - train) * q.numerator) // q.denominator)
    return train, n - train - test, test


def by_position(p, n, r, q):
    train, val, _ = counts(n, r, q)
    return "train" if p < train else "val" if p < train + val else "test"


def by_value(seed, v, r, q):
    """group:COL and hash:COL: the cuts of u = H(seed, 'v' followed by v)."""
    u = H(seed, b"v" + v)
    cut1 = (2**64 * r.numerator) // r.denominator
    cut2 = cut1 + ((2**64 - cut1) * (q.denominator - q.numerator)) // q.denominator
    return "train" if u < cut1 else "val" if u < cut2 else "test"


def main():
    mode, seed, r, q, label = sys.argv[1:6]
    seed, r, q = int(seed), Fraction(r), Fraction(q)
    # SipHash-2-4 test vector of the paper (appendix A): key 00..0f, message 00..0e
    key = bytes(range(16))
    assert siphash24(int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little"),
                     bytes(range(15))) == 0xA129CA6149BE45E5
    rows = []  # (id, {column: value}) of the rows with a label, in shard then row order
    for path in sys.argv[6:]:
        with open(path, newline="", encoding="utf-8") as f:
            recs = list(csv.reader(f, strict=True))
        for rec in recs[1:]:
            row = dict(zip(recs[0], rec))
            if row[label] not in MISSING:
                rows.append((rec[0], row))
    # tp(7): non-integer labels map to 0..k-1 in bytewise order; tp-split reads the
    # label as written by tp-transform, after that mapping
    labels = sorted({row[label] for _, row in rows}, key=lambda v: v.encode())
    if not all(re.fullmatch(r"[+-]?[0-9]+", v) for v in labels):
        code = {v: str(i) for i, v in enumerate(labels)}
        for _, row in rows:
            row[label] = code[row[label]]
    out = []
    if mode == "random":
        n = len(rows)
        out = [(i, by_position(permute(seed, n, rank), n, r, q))
               for rank, (i, _) in enumerate(rows)]
    elif mode == "stratified":
        classes = {}
        for i, row in rows:
            classes.setdefault(row[label], []).append(i)
        split = {}
        for c, ids in classes.items():
            k = H(seed, b"v" + c.encode())
            for rank, i in enumerate(ids):
                split[i] = by_position(permute(k, len(ids), rank), len(ids), r, q)
        out = [(i, split[i]) for i, _ in rows]
    elif mode.startswith(("group:", "hash:")):
        col = mode.split(":", 1)[1]
        for i, row in rows:
            v = row[col]
            out.append((i, by_value(seed, b"" if v in MISSING else v.encode(), r, q)))
    else:
        sys.exit(f"split_ref.py: unknown mode {mode}")
    for i, s in out:
        print(f"{i}\t{s}")


main()
