#!/usr/bin/env python3
"""make bench, section 9: the transform job of tp-run done with sklearn, for comparison.

Reads the CSV shards (csv module), splits by time as tp's temporal split does (the 70%
and 85% quantiles of the time column, train below the first), fits StandardScaler on the
zscore columns, OrdinalEncoder (unknown -1) on the vocab columns and KBinsDiscretizer
(quantile, ordinal) on the bucketize columns, all on the train rows, and transforms every
row. Prints "read SECONDS fit_transform SECONDS rows N".
Usage: sklearn_job.py TIMECOL ZSCORE_COLS VOCAB_COLS BUCKET_COLS BUCKETS FILE...
(column lists comma-separated).
"""
import csv
import sys
import time

import numpy as np
from sklearn.preprocessing import KBinsDiscretizer, OrdinalEncoder, StandardScaler

MISSING = {"", "NA", "N/A", "n/a", "NaN", "nan", "NULL", "null", "None"}


def main():
    tcol, zcols, vcols, bcols, buckets = sys.argv[1:6]
    files = sys.argv[6:]
    zcols, vcols, bcols = (c.split(",") if c else [] for c in (zcols, vcols, bcols))
    t0 = time.perf_counter()
    cols = {}
    times = []
    for path in files:
        with open(path, newline="") as f:
            r = csv.reader(f)
            head = next(r)
            ix = {c: head.index(c) for c in zcols + vcols + bcols + [tcol]}
            for c in ix:
                cols.setdefault(c, [])
            for row in r:
                for c, i in ix.items():
                    cols[c].append(row[i])
    n = len(cols[tcol])
    num = {c: np.array([float(v) if v not in MISSING else np.nan for v in cols[c]])
           for c in zcols + bcols}
    cat = np.array([cols[c] for c in vcols], dtype=object).T if vcols else None
    order = sorted(cols[tcol])
    cut = order[int(0.7 * n)] if n else ""
    train = np.array([v < cut for v in cols[tcol]])
    t1 = time.perf_counter()
    if zcols:
        z = np.column_stack([num[c] for c in zcols])
        StandardScaler().fit(z[train]).transform(z)
    if vcols:
        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(cat[train]).transform(cat)
    if bcols:
        b = np.column_stack([num[c] for c in bcols])
        b = np.where(np.isnan(b), 0.0, b)  # KBinsDiscretizer takes no NaN
        KBinsDiscretizer(n_bins=int(buckets), encode="ordinal", strategy="quantile", subsample=None).fit(b[train]).transform(b)
    t2 = time.perf_counter()
    print(f"read {t1 - t0:.2f} fit_transform {t2 - t1:.2f} rows {n}")


main()
