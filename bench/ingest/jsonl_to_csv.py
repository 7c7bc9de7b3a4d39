#!/usr/bin/env python3
"""Converts the JSON Lines of gen_records.py into the CSV inputs of the ingest anchor
(bench/ingest/anchor.sql, run by bench/run.sh): the same rows vern writes, with the values vern
derives (Unix times in the policy's time zone Europe/Oslo, fields as compact JSON with sorted
keys, normalised identity-index values) computed here, so the anchor times only SQLite's load.
Not timed.

usage: jsonl_to_csv.py records.jsonl OUTDIR   (writes records.csv, identifiers.csv, events.csv)
"""
import csv
import json
import re
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
IDENT = {"email": "email", "phone": "phone", "name": "name"}  # tests/data/ingest/policy.toml


def norm(kind, v):
    if kind == "phone":
        d = re.sub(r"\D", "", v)
        return d[2:] if d.startswith("47") and len(d) > 8 else d
    return v.strip().lower()


def unix(s):
    if "T" not in s:
        return int(datetime.fromisoformat(s).replace(tzinfo=OSLO).timestamp())
    return int(datetime.fromisoformat(s).timestamp())


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src) as f, open(f"{out}/records.csv", "w", newline="") as rf, \
            open(f"{out}/identifiers.csv", "w", newline="") as idf, \
            open(f"{out}/events.csv", "w", newline="") as ef:
        rw, iw, ew = csv.writer(rf), csv.writer(idf), csv.writer(ef)
        rw.writerow(["id", "subject", "category", "created", "fields"])
        iw.writerow(["record", "kind", "value"])
        ew.writerow(["subject", "kind", "at"])
        for line in f:
            o = json.loads(line)
            if o["type"] == "record":
                fields = o.get("fields", {})
                rw.writerow([o["id"], o["subject"], o["category"], unix(o["created"]),
                             json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)])
                for k, v in fields.items():
                    if k in IDENT and isinstance(v, str):
                        iw.writerow([o["id"], IDENT[k], norm(IDENT[k], v)])
            elif o["type"] == "event":
                ew.writerow([o["subject"], o["kind"], unix(o["at"])])


if __name__ == "__main__":
    main()
