#!/usr/bin/env python3
"""Checks netdropctl JSON lines.

  jsoncheck.py count FILE [KEY=VALUE ...]   prints how many records match
  jsoncheck.py all FILE KEY=VALUE ...       exit 1 unless every record matches
  jsoncheck.py field FILE KEY               prints the distinct values of KEY
  jsoncheck.py hook FILE KEY=VALUE ...      exit 1 unless every record has a
                                            "hook" object matching
"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def matches(rec, conds):
    for c in conds:
        k, v = c.split("=", 1)
        if str(rec.get(k)) != v:
            return False
    return True


def main(argv):
    cmd, path, conds = argv[1], argv[2], argv[3:]
    recs = load(path)
    if cmd == "count":
        print(sum(1 for r in recs if matches(r, conds)))
        return 0
    if cmd == "all":
        bad = [r for r in recs if not matches(r, conds)]
        for r in bad[:5]:
            print("mismatch:", json.dumps(r), file=sys.stderr)
        return 1 if bad or not recs else 0
    if cmd == "hook":
        bad = [r for r in recs if not isinstance(r.get("hook"), dict) or not matches(r["hook"], conds)]
        for r in bad[:5]:
            print("mismatch:", json.dumps(r), file=sys.stderr)
        return 1 if bad or not recs else 0
    if cmd == "field":
        for v in sorted({str(r.get(conds[0])) for r in recs}):
            print(v)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
