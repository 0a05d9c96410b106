#!/usr/bin/python3
"""Reference for the JSON tests: pandas.json_normalize of JSON records, written as CSV the
way tp writes text (numbers as written, true/false, missing empty, arrays compact JSON).

json_ref.py rows FILE [RECORDS]   the rows (header first) of FILE's records
json_ref.py types FILE [RECORDS]  varname,datatype per column: pandas' dtype of the column
                                  (convert_dtypes: int64, float64, bool or object)
json_ref.py distinct FILE [RECORDS]  varname,distinct per column: pandas' nunique() of the
                                  column's values as tp writes them (missing left out)
"""
import csv
import json
import sys

import pandas as pd


class Num(str):
    """A JSON number kept as its text."""


def load(path, records):
    text = open(path, encoding="utf-8").read()
    hook = dict(parse_int=Num, parse_float=Num)
    try:
        docs = [json.loads(text, **hook)]
    except json.JSONDecodeError:
        docs = [json.loads(line, **hook) for line in text.splitlines() if line.strip()]
    out = []
    for doc in docs:
        if records:
            for k in records.split("."):
                doc = doc[k]
        out.extend(doc if isinstance(doc, list) else [doc])
    return out


def compact(v):
    if isinstance(v, Num):
        return str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(compact(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + compact(x) for k, x in v.items()) + "}"


def text(v):
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, (list, dict, bool)):
        return compact(v)
    return str(v)


def main():
    what, path = sys.argv[1], sys.argv[2]
    records = sys.argv[3] if len(sys.argv) > 3 else None
    w = csv.writer(sys.stdout, lineterminator="\n")
    if what == "distinct":
        # the values as text, as tp reads them (a number as written, arrays as compact
        # JSON: a list is not hashable), then pandas' own count of them
        df = pd.json_normalize(load(path, records)).astype(object)
        w.writerow(["varname", "distinct"])
        for c in df.columns:
            col = df[c].map(lambda v: text(v) or None)
            w.writerow([c, col.nunique()])
    elif what == "rows":
        df = pd.json_normalize(load(path, records))
        w.writerow(df.columns)
        for row in df.astype(object).itertuples(index=False):
            w.writerow([text(v) for v in row])
    else:
        # pandas' own inference with its nullable types (convert_dtypes), so that a
        # column of integers with missing values is Int64 rather than float64 through
        # NaN: tp types a column by its non-missing values (SPEC section 3)
        df = pd.json_normalize(load_plain(path, records)).convert_dtypes()
        w.writerow(["varname", "datatype"])
        for c in df.columns:
            t = {"Int64": "int64", "Float64": "float64", "boolean": "bool"}.get(str(df[c].dtype), "object")
            w.writerow([c, t])


def load_plain(path, records):
    text = open(path, encoding="utf-8").read()
    try:
        docs = [json.loads(text)]
    except json.JSONDecodeError:
        docs = [json.loads(line) for line in text.splitlines() if line.strip()]
    out = []
    for doc in docs:
        if records:
            for k in records.split("."):
                doc = doc[k]
        out.extend(doc if isinstance(doc, list) else [doc])
    return out


if __name__ == "__main__":
    main()
