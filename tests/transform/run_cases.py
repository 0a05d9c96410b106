#!/usr/bin/env python3
"""Run the transform cases of one file: rows in, fitted result, rows out, as data.

A case file holds cases, each:
    === NAME
    args: OPTIONS FOR tp-run (shell words, e.g. --transform zscore:x)
    --- in          the one shard (CSV), as it is
    --- fit         expected 't' records of OUT/transform/fit (tab-separated), exactly
    --- out         expected rows of the train split (CSV), exactly
    --- status      expected exit status (default 0)
    --- stderr      lines that must each appear in the standard error
Every run is tp-run --no-dedup --split random --train-ratio 1 ARGS in out, so that every
row is a training row and is fitted on, and the output keeps the input's order.
Usage: run_cases.py BINDIR FILE.cases WORKDIR; prints one line per failure, exit 1.
"""
import os
import shlex
import subprocess
import sys


def parse(path):
    cases, cur, sec = [], None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("=== "):
                cur = {"name": line[4:], "args": [], "in": [], "fit": None, "out": None,
                       "status": ["0"], "stderr": []}
                cases.append(cur)
                sec = None
            elif cur is None or (sec is None and (not line or line.startswith("#"))):
                continue
            elif line.startswith("args: ") and sec is None:
                cur["args"] = shlex.split(line[6:])
            elif line.startswith("--- "):
                sec = line[4:].strip()
                if sec not in ("in", "fit", "out", "status", "stderr"):
                    sys.exit(f"{path}: {cur['name']}: unknown section '{sec}'")
                cur[sec] = []
            else:
                cur[sec].append(line)
    for c in cases:  # the blank lines between cases belong to none
        for k in ("in", "fit", "out", "stderr"):
            while c[k] and c[k][-1] == "":
                c[k].pop()
    return cases


def main():
    bindir, path, work = sys.argv[1:4]
    failed = 0
    for i, c in enumerate(parse(path)):
        d = os.path.join(work, f"case{i}")
        os.makedirs(os.path.join(d, "in"))
        with open(os.path.join(d, "in", "part-00000.csv"), "w", encoding="utf-8") as f:
            f.write("".join(l + "\n" for l in c["in"]))
        cmd = [os.path.join(bindir, "tp-run"), "-q", "--no-dedup", "--split", "random",
               "--train-ratio", "1"] + c["args"] + ["in", "out"]
        p = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
        why = []
        if str(p.returncode) != c["status"][0]:
            why.append(f"status {p.returncode}, expected {c['status'][0]}")
        for want in c["stderr"]:
            if want not in p.stderr:
                why.append(f"stderr lacks: {want}")
        if c["fit"] is not None and p.returncode == 0:
            with open(os.path.join(d, "out", "transform", "fit"), encoding="utf-8") as f:
                got = [l.rstrip("\n") for l in f if l.startswith("t\t")]
            if got != c["fit"]:
                why.append("fit:\n  got:  " + "\n        ".join(got) +
                           "\n  want: " + "\n        ".join(c["fit"]))
        if c["out"] is not None and p.returncode == 0:
            with open(os.path.join(d, "out", "train", "part-00000.csv"), encoding="utf-8") as f:
                got = [l.rstrip("\n") for l in f]
            if got != c["out"]:
                why.append("out:\n  got:  " + "\n        ".join(got) +
                           "\n  want: " + "\n        ".join(c["out"]))
        if why:
            failed += 1
            print(f"{path}: {c['name']}: " + "; ".join(why))
            if p.stderr:
                print("  stderr: " + p.stderr.strip().replace("\n", "\n          "))
    sys.exit(1 if failed else 0)


main()
