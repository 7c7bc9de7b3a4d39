#!/usr/bin/env python3
"""Writes N synthetic records (JSON Lines, man vern-ingest(5)) for the bench policy
bench/purge_policy.toml (the categories and rule kinds of the seed policies) to stdout.

    python3 bench/gen_purge_store.py 1000000 | vern ingest --store big.db --policy bench/purge_policy.toml

Deterministic for a given N and --seed. About 4 records per subject; creation times spread over
2024-2026, so a purge at 2026-11-26 deletes roughly half of them.
"""
import argparse
import json
import random
import sys
from datetime import datetime, timedelta, timezone

START = datetime(2024, 1, 1, tzinfo=timezone.utc)
SPAN = int((datetime(2026, 11, 25, tzinfo=timezone.utc) - START).total_seconds())
CATEGORIES = ["chat", "chat", "mailbox", "booking", "booking", "tool", "phone_log", "contact", "notes"]


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    out = sys.stdout
    w = out.write
    w(json.dumps({"type": "event", "kind": "subscription_ended", "at": "2026-06-01T00:00:00Z",
                  "scope": "global"}) + "\n")
    subjects = max(1, args.n // 4)
    for i in range(args.n):
        subject = f"B-{rnd.randrange(subjects):07d}"
        category = CATEGORIES[i % len(CATEGORIES)]
        created = START + timedelta(seconds=rnd.randrange(SPAN))
        rid = f"r{i:08d}"
        if category == "chat":
            fields = {"text": "hei, jeg lurer på noe", "phone": f"+47 9{rnd.randrange(10**7):07d}"}
        elif category == "phone_log":
            fields = {"number": f"+47 4{rnd.randrange(10**7):07d}",
                      "party": "external" if rnd.random() < 0.6 else "internal"}
        elif category == "contact":
            fields = {"email": f"person{i}@example.no"}
        else:
            fields = {"note": "notat", "n": rnd.randrange(100)}
        w(json.dumps({"type": "record", "id": rid, "subject": subject, "category": category,
                      "created": ts(created), "fields": fields}, ensure_ascii=False) + "\n")
        if category == "booking" and rnd.random() < 0.8:
            w(json.dumps({"type": "event", "record": rid, "kind": "appointment",
                          "at": ts(created + timedelta(days=rnd.randrange(1, 60)))}) + "\n")
        if category in ("contact", "notes") and rnd.random() < 0.7:
            w(json.dumps({"type": "event", "subject": subject, "kind": "last_session",
                          "at": ts(created + timedelta(days=rnd.randrange(1, 90)))}) + "\n")


if __name__ == "__main__":
    main()
