#!/usr/bin/env python3
"""Writes N ingest lines (JSON Lines, man vern-ingest(5)) for tests/data/ingest/policy.toml:
records of both categories over 10 000 subjects per 100 000 records, plus one subject event per
ten records. Deterministic (fixed seed), so runs are comparable.

usage: gen_records.py N > records.jsonl
"""
import json
import random
import sys


def main() -> None:
    n = int(sys.argv[1])
    rng = random.Random(42)
    subjects = max(1, n // 10)
    out = sys.stdout
    write = out.write
    for i in range(n):
        s = rng.randrange(subjects)
        ref = f"K-{s:07d}"
        day = 1 + i % 28
        month = 1 + (i // 28) % 12
        created = f"2025-{month:02d}-{day:02d}T{8 + i % 10:02d}:{i % 60:02d}:00+01:00"
        if i % 5 == 4:
            rec = {"type": "record", "id": f"surv-{i}", "subject": ref, "category": "survey",
                   "created": created, "fields": {"score": i % 6, "comment": "ok"}}
        else:
            rec = {"type": "record", "id": f"chat-{i}", "subject": ref, "category": "chat",
                   "created": created,
                   "fields": {"text": f"message number {i} about career plans",
                              "phone": f"+47 9{s % 100:02d} {s % 1000:03d} {i % 100:02d}",
                              "email": f"person{s}@example.no", "name": f"Person {s}"}}
        write(json.dumps(rec, separators=(",", ":")) + "\n")
        if i % 10 == 9:
            write(json.dumps({"type": "event", "subject": ref, "kind": "last_session",
                              "at": f"2025-{month:02d}-{day:02d}"}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
