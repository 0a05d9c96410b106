#!/usr/bin/env python3
"""Hostile Parquet files, written by hand for tests/parquet-in.bats: each one holds a
count, a length or an offset that a careless reader would trust (an allocation sized
by it, a loop run by it, a read past the end), and tp must answer each with exit 1 and
a message, quickly and in bounded memory. Usage: hostile.py DIR; writes DIR/NAME.parquet
and prints the names. Thrift compact protocol written here from the specification
(apache/parquet-format parquet.thrift); nothing is compressed."""
import os
import struct
import sys

# thrift compact types
BOOL_T, BOOL_F, I8, I16, I32, I64, DBL, BIN, LIST, SET, MAP, STRUCT = range(1, 13)


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zz(n):
    return varint((n << 1) ^ (n >> 63))


class S:
    """A struct: fields added in increasing id order."""

    def __init__(self):
        self.b = bytearray()
        self.last = 0

    def head(self, fid, t):
        d = fid - self.last
        if 0 < d < 16:
            self.b.append(d << 4 | t)
        else:
            self.b.append(t)
            self.b += zz(fid)
        self.last = fid
        return self

    def i32(self, fid, v):
        self.head(fid, I32).b.extend(zz(v))
        return self

    def i64(self, fid, v):
        self.head(fid, I64).b.extend(zz(v))
        return self

    def bool(self, fid, v):
        return self.head(fid, BOOL_T if v else BOOL_F)

    def str(self, fid, s):
        s = s.encode() if isinstance(s, str) else s
        self.head(fid, BIN).b.extend(varint(len(s)) + s)
        return self

    def struct(self, fid, s):
        self.head(fid, STRUCT).b.extend(s.end())
        return self

    def list(self, fid, t, items):
        self.head(fid, LIST)
        n = len(items)
        self.b += bytes([n << 4 | t]) if n < 15 else bytes([0xF0 | t]) + varint(n)
        for it in items:
            if t == STRUCT:
                self.b += it.end()
            elif t == BIN:
                it = it.encode()
                self.b += varint(len(it)) + it
            else:
                self.b += zz(it)
        return self

    def end(self):
        return bytes(self.b) + b"\0"


REQ, OPT, REP = 0, 1, 2
INT32, INT64, BA, FLBA = 1, 2, 6, 7
PLAIN, PLAIN_DICT, RLE, RLE_DICT = 0, 2, 3, 8


def el(name, rep=None, typ=None, nch=None, conv=None, tlen=None):
    s = S()
    if typ is not None:
        s.i32(1, typ)
    if tlen is not None:
        s.i32(2, tlen)
    if rep is not None:
        s.i32(3, rep)
    s.str(4, name)
    if nch is not None:
        s.i32(5, nch)
    if conv is not None:
        s.i32(6, conv)
    return s


def page(ptype, body, nvalues, enc=PLAIN, usize=None, csize=None):
    """A v1 data page (ptype 0) or a dictionary page (2) header followed by body."""
    h = S().i32(1, ptype).i32(2, len(body) if usize is None else usize)
    h.i32(3, len(body) if csize is None else csize)
    sub = S().i32(1, nvalues).i32(2, enc)
    if ptype == 0:
        sub.i32(3, RLE).i32(4, RLE)
    h.struct(5 if ptype == 0 else 7, sub)
    return h.end() + body


def chunk(typ, path, offset, size, nvalues, dict_offset=None):
    m = S().i32(1, typ).list(2, I32, [PLAIN, RLE]).list(3, BIN, path).i32(4, 0)
    m.i64(5, nvalues).i64(6, size).i64(7, size).i64(9, offset)
    if dict_offset is not None:
        m.i64(11, dict_offset)
    return S().i64(2, offset).struct(3, m)


def parquet(schema, chunks_of, nrows, data):
    """PAR1, data (pages), the footer; chunks_of(base) gives the column chunks, given
    the offset where data starts (4)."""
    meta = S().i32(1, 1).list(2, STRUCT, schema).i64(3, nrows)
    rg = S().list(1, STRUCT, chunks_of(4)).i64(2, len(data)).i64(3, nrows)
    meta.list(4, STRUCT, [rg])
    f = meta.end()
    return b"PAR1" + data + f + struct.pack("<I", len(f)) + b"PAR1"


def rle_run(count, value=0, width=1):
    """One RLE run of count copies of value (width bits)."""
    return varint(count << 1) + value.to_bytes((width + 7) // 8, "little")


def levels(b):
    return struct.pack("<I", len(b)) + b


def files():
    out = {}
    big = (1 << 31) - 1

    # a page that claims 2^31-1 values, all null, in a 10-byte RLE run
    sch = [el("root", nch=1), el("x", OPT, INT32)]
    body = levels(rle_run(big))
    p = page(0, body, big)
    out["nulls-2g"] = parquet(sch, lambda o: [chunk(INT32, ["x"], o, len(p), big)], big, p)

    # the largest page tp takes (2^24 entries), all null, in 13 columns: the levels of
    # every column are held at once
    n24 = 1 << 24
    ncol = 13
    sch = [el("root", nch=ncol)] + [el("c%d" % i, OPT, INT32) for i in range(ncol)]
    p = page(0, levels(rle_run(n24)), n24)
    data = p * ncol
    out["nulls-16m-x13"] = parquet(
        sch,
        lambda o: [chunk(INT32, ["c%d" % i], o + i * len(p), len(p), n24) for i in range(ncol)],
        n24,
        data,
    )

    # a dictionary page that claims 2^30 entries in 12 bytes
    sch = [el("root", nch=1), el("s", REQ, BA)]
    d = page(2, b"\x01\0\0\0a" + b"\0" * 7, 1 << 30)
    dp = page(0, b"\x01" + rle_run(1, 0), 1, enc=RLE_DICT)
    out["dict-1g"] = parquet(
        sch, lambda o: [chunk(BA, ["s"], o + len(d), len(d) + len(dp), 1, dict_offset=o)], 1, d + dp
    )

    # an INT32 dictionary that claims 2^30 entries
    sch = [el("root", nch=1), el("i", REQ, INT32)]
    d = page(2, b"\x07\0\0\0", 1 << 30)
    out["dict-int-1g"] = parquet(
        sch, lambda o: [chunk(INT32, ["i"], o + len(d), len(d) + len(dp), 1, dict_offset=o)], 1, d + dp
    )

    # a LIST whose first repetition level is 1
    sch = [
        el("root", nch=1),
        el("l", OPT, nch=1, conv=3),
        el("list", REP, nch=1),
        el("element", OPT, INT32),
    ]
    body = levels(rle_run(2, 1, 1)) + levels(rle_run(2, 3, 2)) + struct.pack("<ii", 1, 2)
    p = page(0, body, 2)
    out["list-rep1"] = parquet(sch, lambda o: [chunk(INT32, ["l", "list", "element"], o, len(p), 2)], 1, p)

    # a schema whose root claims more children than there are elements
    sch = [el("root", nch=1000), el("x", REQ, INT32)]
    p = page(0, struct.pack("<i", 5), 1)
    out["children-past-end"] = parquet(sch, lambda o: [chunk(INT32, ["x"], o, len(p), 1)], 1, p)

    # 200 nested optional groups: levels deep but valid (tp allows 250)
    depth = 200
    sch = [el("root", nch=1)] + [el("g%d" % i, OPT, nch=1) for i in range(depth)]
    sch.append(el("v", OPT, INT32))
    path = ["g%d" % i for i in range(depth)] + ["v"]
    # one row, null at the top: definition level 0
    p = page(0, levels(rle_run(1, 0, 8)), 1)
    out["nested-200"] = parquet(sch, lambda o: [chunk(INT32, path, o, len(p), 1)], 1, p)

    # 100000 nested required groups: no levels at all, but a deep tree
    depth = 100000
    sch = [el("root", nch=1)] + [el("g", REQ, nch=1) for i in range(depth)]
    sch.append(el("v", REQ, INT32))
    p = page(0, struct.pack("<i", 5), 1)
    out["nested-required-100k"] = parquet(sch, lambda o: [chunk(INT32, ["g"] * depth + ["v"], o, len(p), 1)], 1, p)

    # FIXED_LEN_BYTE_ARRAY of length 2^31-1
    sch = [el("root", nch=1), el("f", REQ, FLBA, tlen=big)]
    p = page(0, b"abcd", 1)
    out["flba-2g"] = parquet(sch, lambda o: [chunk(FLBA, ["f"], o, len(p), 1)], 1, p)

    # a column chunk whose total_compressed_size reaches into the footer
    sch = [el("root", nch=1), el("x", REQ, INT32)]
    p = page(0, struct.pack("<i", 5), 1)
    out["chunk-into-footer"] = parquet(sch, lambda o: [chunk(INT32, ["x"], o, len(p) + 40, 1)], 1, p)

    # a page whose compressed size is 2^31-1 (past the chunk) and one whose
    # uncompressed size is 2^31-1 (tp's limit is 1 GiB)
    p = page(0, struct.pack("<i", 5), 1, csize=big)
    out["page-csize-2g"] = parquet(sch, lambda o: [chunk(INT32, ["x"], o, len(p), 1)], 1, p)

    # a row group of 2^62 rows whose one column holds one value
    p = page(0, struct.pack("<i", 5), 1)
    out["rows-4e18"] = parquet(sch, lambda o: [chunk(INT32, ["x"], o, len(p), 1)], 1 << 62, p)

    # DELTA_BYTE_ARRAY: a first value of 4000 bytes, then 2^20 - 1 values that repeat it
    # as their prefix with empty suffixes: 4 GiB rebuilt from a page of 5 KiB
    nv = 1 << 20
    vlen = 4000
    body = delta([0] + [vlen] * (nv - 1)) + delta([vlen] + [0] * (nv - 1)) + b"x" * vlen
    p = page(0, body, nv, enc=7)
    sch = [el("root", nch=1), el("s", REQ, BA)]
    out["delta-bytes-4g"] = parquet(sch, lambda o: [chunk(BA, ["s"], o, len(p), nv)], nv, p)
    return out


def delta(values):
    """DELTA_BINARY_PACKED: blocks of 128 values in 4 miniblocks of 32."""
    out = bytearray(varint(128) + varint(4) + varint(len(values)) + zz(values[0]))
    d = [b - a for a, b in zip(values, values[1:])]
    for at in range(0, len(d), 128):
        blk = d[at : at + 128]
        lo = min(blk)
        rel = [x - lo for x in blk] + [0] * (128 - len(blk))
        widths = [max(rel[m * 32 : m * 32 + 32]).bit_length() for m in range(4)]
        out += zz(lo) + bytes(widths)
        for m in range(4):
            w = widths[m]
            if w == 0:
                continue
            acc = 0
            for i, x in enumerate(rel[m * 32 : m * 32 + 32]):
                acc |= x << (i * w)
            out += acc.to_bytes(4 * w, "little")
    return bytes(out)


if __name__ == "__main__":
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, b in files().items():
        with open(os.path.join(d, name + ".parquet"), "wb") as f:
            f.write(b)
        print(name)
