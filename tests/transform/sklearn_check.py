#!/usr/bin/env python3
"""tp's fitted transforms against sklearn on the same train split.

Writes three shards of generated rows to WORK/in, runs tp-run with a temporal split and
zscore, minmax, impute (median, most frequent, mean) and onehot, then fits sklearn's
StandardScaler, MinMaxScaler, SimpleImputer and OneHotEncoder(handle_unknown='ignore') on
the raw rows that tp wrote to train, and compares the values of every split: equal to
1e-12 relative (1e-14 absolute near 0), strings and one-hot columns exactly.
Usage: sklearn_check.py BINDIR WORK; prints the differences, exit 1 on any.
"""
import csv
import math
import os
import random
import subprocess
import sys

import numpy as np
from sklearn.impute import SimpleImputer
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, StandardScaler

bindir, work = sys.argv[1:3]
rng = random.Random(7)
os.makedirs(os.path.join(work, "in"), exist_ok=True)
header = ["id", "orderDate", "a", "b", "c", "d", "e", "cat"]
raw = {}
cats = ["red", "green", "blue", "cyan", "teal"]
for shard in range(3):
    with open(os.path.join(work, "in", f"part-{shard:05d}.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for i in range(1000):
            rid = shard * 1000 + i
            day = 1 + (rid * 7919) % 300
            month, dom = 1 + (day - 1) // 28, 1 + (day - 1) % 28
            late = day > 250  # values only val and test rows have
            row = [
                str(rid),
                f"2024-{month:02d}-{dom:02d}",
                "" if rng.random() < 0.05 else repr(rng.gauss(50, 12.5)),
                "" if rng.random() < 0.05 else repr(rng.uniform(-3, 1e6) if not late else 2e6),
                "" if rng.random() < 0.2 else str(rng.randint(0, 40)),
                "" if rng.random() < 0.2 else rng.choice(["x", "x", "x", "y", "z"]),
                "" if rng.random() < 0.1 else repr(rng.random() * 1e-3),
                "violet" if late and rng.random() < 0.3 else rng.choice(cats),
            ]
            w.writerow(row)
            raw[row[0]] = row

out = os.path.join(work, "out")
cmd = [os.path.join(bindir, "tp-run"), "-q", "-j", "2", "--no-dedup", "--split", "temporal:orderDate",
       "--transform", "zscore:a", "--transform", "minmax:b", "--transform", "impute:c:with=median",
       "--transform", "impute:d:with=mode", "--transform", "impute:e:with=mean",
       "--transform", "onehot:cat", os.path.join(work, "in"), out]
p = subprocess.run(cmd, capture_output=True, text=True)
if p.returncode != 0:
    sys.exit(f"tp-run failed ({p.returncode}): {p.stderr}")

tp = {}
for split in ("train", "val", "test"):
    d = os.path.join(out, split)
    for name in sorted(os.listdir(d)):
        with open(os.path.join(d, name), newline="") as f:
            r = csv.DictReader(f)
            for row in r:
                tp[row["id"]] = (split, row)
train = sorted((i for i, (s, _) in tp.items() if s == "train"), key=int)
if not train or len(tp) != 3000:
    sys.exit(f"expected 3000 rows with a train split, got {len(tp)}")


def num(ids, col):
    j = header.index(col)
    return np.array([[float(raw[i][j]) if raw[i][j] != "" else np.nan] for i in ids])


def txt(ids, col):
    j = header.index(col)
    return np.array([[raw[i][j] if raw[i][j] != "" else np.nan] for i in ids], dtype=object)


bad = []


def close(got, want, what):
    if isinstance(want, float) and math.isnan(want):
        ok = got == ""
    else:
        ok = got != "" and math.isclose(float(got), want, rel_tol=1e-12, abs_tol=1e-14)
    if not ok and len(bad) < 20:
        bad.append(f"{what}: tp {got!r}, sklearn {want!r}")
    return ok


ids = sorted(tp, key=int)
for col, model in (("a", StandardScaler()), ("b", MinMaxScaler()),
                   ("c", SimpleImputer(strategy="median")), ("e", SimpleImputer(strategy="mean"))):
    model.fit(num(train, col))
    want = model.transform(num(ids, col))[:, 0]
    for i, w in zip(ids, want):
        close(tp[i][1][col], float(w), f"{col} of id {i} ({tp[i][0]})")
imp = SimpleImputer(strategy="most_frequent", missing_values=np.nan)
imp.fit(txt(train, "d"))
for i, w in zip(ids, imp.transform(txt(ids, "d"))[:, 0]):
    if tp[i][1]["d"] != w and len(bad) < 20:
        bad.append(f"d of id {i}: tp {tp[i][1]['d']!r}, sklearn {w!r}")
enc = OneHotEncoder(handle_unknown="ignore")
enc.fit(txt(train, "cat"))
names = [f"cat={c}" for c in enc.categories_[0]]
hot = enc.transform(txt(ids, "cat")).toarray()
cols = [c for c in tp[ids[0]][1] if c.startswith("cat=")]
if sorted(cols) != sorted(names):
    bad.append(f"one-hot columns: tp {cols}, sklearn {names}")
else:
    for i, h in zip(ids, hot):
        got = [int(tp[i][1][n]) for n in names]
        if got != [int(v) for v in h] and len(bad) < 20:
            bad.append(f"one-hot of id {i} ({raw[i][7]}): tp {got}, sklearn {list(h)}")
splits = {s for s, _ in tp.values()}
if splits != {"train", "val", "test"}:
    bad.append(f"splits: {splits}")
print("\n".join(bad))
sys.exit(1 if bad else 0)
