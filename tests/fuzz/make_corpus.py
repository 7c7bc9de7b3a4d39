#!/usr/bin/env python3
"""Writes the seed corpus of the fuzz targets (tests/fuzz/corpus/<target>/) from the repository's
own policies, demo data and test fixtures, plus a few hand-written edge cases.

Run it again after a policy or data set changes: python3 tests/fuzz/make_corpus.py
Files are named by the SHA-1 of their content (as libFuzzer names them), so reruns are stable and
`make fuzz-merge` can add minimised finds beside them. Existing files are kept."""

import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "fuzz" / "corpus"


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def rel(p):
    return p.relative_to(ROOT)


# ---- policy: every policy file of the repository ---------------------------------------------
for p in sorted(ROOT.glob("policies/*/*.toml")) + sorted(ROOT.glob("tests/data/**/*.toml")) + \
        sorted(ROOT.glob("bench/*.toml")):
    put("policy", p.read_bytes())
put("policy", "")
put("policy", "[policy]\nname = \"x\"\n")

# ---- ingest: the first byte picks the policy (fuzz_ingest.cpp, k_policies) ---------------------
DATA = [
    ("0", ["examples/data/karrieresenter-telemark.jsonl"]),
    ("1", ["examples/data/karrieresenter-telemark-2019.jsonl"]),
    ("2", ["examples/data/karriereveiledning-no.jsonl"]),
    ("3", ["examples/data/joblearn.jsonl"]),
    ("4", ["examples/data/personalpartner.jsonl"]),
    ("5", sorted(str(rel(p)) for p in ROOT.glob("tests/data/ingest/*.jsonl"))),
    ("6", ["tests/data/engine/data.jsonl"]),
    ("7", ["tests/data/rights/data.jsonl"]),
    ("8", ["tests/data/audit/data.jsonl"]),
]


def episodes(lines):
    """Groups lines by subject: a 'subject' line starts a group (the demo data's layout)."""
    group = []
    for line in lines:
        if line.startswith('{"type":"subject"') and group:
            yield group
            group = []
        group.append(line)
    if group:
        yield group


for key, files in DATA:
    for name in files:
        lines = [l for l in (ROOT / name).read_text(encoding="utf-8").splitlines()]
        if len(lines) <= 20:
            put("ingest", key + "\n" + "\n".join(lines) + "\n")
            for l in lines:
                put("ingest", key + l + "\n")
            continue
        # Demo data: the first episodes whole (each a subject with its records, events and
        # consents), and every distinct line shape once on its own.
        for i, group in enumerate(episodes(lines)):
            if i >= 12:
                break
            put("ingest", key + "\n" + "\n".join(group) + "\n")
        shapes = {}
        for l in lines:
            try:
                d = json.loads(l)
            except ValueError:
                continue
            shape = (d.get("type"), d.get("category"), d.get("kind"), d.get("scope"),
                     "case" in d, "withdrawn" in d, "id" in d)
            shapes.setdefault(shape, l)
        for l in shapes.values():
            put("ingest", key + l + "\n")

# The ingest format of SPEC section 4 (cases, record events, global events, consents).
SPEC_LINES = [
    '{"type":"subject","ref":"K-0042"}',
    '{"type":"event","subject":"P-7","case":"tiltak-2","kind":"final_report","at":"2026-05-04"}',
    '{"type":"event","kind":"subscription_ended","at":"2026-03-01","scope":"global"}',
    '{"type":"consent","subject":"K-0042","purpose":"survey","given":"2026-01-05T10:00:00Z"}',
    '{"type":"consent","subject":"K-0042","purpose":"survey","withdrawn":"2026-02-05T10:00:00Z"}',
]
for key in "01234":
    put("ingest", key + "\n".join(SPEC_LINES) + "\n")
put("ingest", "5\xef\xbb\xbf" + '{"type":"subject","ref":"BOM"}\r\n')
put("ingest", "5\n\n  \n")

# ---- time: zone byte, then up to three texts separated by newlines (fuzz_time.cpp) -----------
times = set()
for src in ["tests/unit/time_test.cpp", "tests/unit/policy_test.cpp"]:
    text = (ROOT / src).read_text(encoding="utf-8")
    for m in re.finditer(r'"((?:P|[0-9])[^"\\]{0,34})"', text):
        times.add(m.group(1))
durations = sorted(t for t in times if re.fullmatch(r"[0-9P][0-9A-Za-z.]*", t))
stamps = sorted(t for t in times if re.match(r"\d{4}-", t))
rounds = ["end_of_day", "end_of_week", "end_of_month", "end_of_year", "none", ""]
for i, s in enumerate(stamps):
    d = durations[i % len(durations)] if durations else "30d"
    put("time", "%d%s\n%s\n%s" % (i % 8, s, d, rounds[i % len(rounds)]))
for i, d in enumerate(durations):
    put("time", "%d2026-03-29T02:30:00\n%s\nend_of_month" % (i % 8, d))
for z in ["Europe/Oslo", "UTC", "Pacific/Apia", "America/Sao_Paulo", "Etc/GMT+14", "posixrules",
          "../etc/passwd", "Europe/Olso"]:
    put("time", "0%s\nP1Y6M2W3D\n%s" % ("2026-10-25T02:30:00+01:00", z))
for edge in ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1970-01-01", "2011-12-30",
             "2018-11-04", "2026-03-29T02:30:00", "2026-10-25T02:30:00+02:00"]:
    put("time", "4%s\n1000y\nend_of_year" % edge)

# ---- selector: kind byte then the value (fuzz_selector.cpp) ------------------------------------
values = {"0": set(), "1": set(), "2": set(), "3": set(), "4": set()}
for name in ["tests/data/rights/data.jsonl", "examples/data/personalpartner.jsonl"]:
    for i, l in enumerate((ROOT / name).read_text(encoding="utf-8").splitlines()):
        if i > 60:
            break
        d = json.loads(l)
        if "subject" in d and isinstance(d["subject"], str):
            values["0"].add(d["subject"])
        f = d.get("fields") or {}
        for key, kind in [("email", "1"), ("phone", "2"), ("mobile", "2"), ("fnr", "3"),
                          ("name", "4")]:
            if isinstance(f.get(key), str):
                values[kind].add(f[key])
values["1"] |= {" Kari.Nordmann@EXAMPLE.no ", "a@b", "@", "ÆØÅ@example.no"}
values["2"] |= {"+47 912 34 567", "0047 91234567", "(+47) 912-34.567", "+4747", "0047"}
values["3"] |= {"010101 00000", "41010100000", "01410100000", "01810100000", "12345678901",
                "1234567890", "abcdefghijk", "0101010000"}
values["4"] |= {"  Ola   Østby ", "ÆØÅ æøå", "ÿ", "Ä\u0308", "\u00df", "İ"}
for kind, vs in values.items():
    for v in sorted(vs):
        put("selector", kind + v)


# ---- dictionaries (tests/fuzz/dict/<target>.dict) --------------------------------------------
def dict_entry(b):
    out = []
    for c in b:
        if 0x20 <= c < 0x7F and c not in (0x22, 0x5C):
            out.append(chr(c))
        else:
            out.append("\\x%02X" % c)
    return '"' + "".join(out) + '"'


def write_dict(target, comment, entries):
    d = ROOT / "tests" / "fuzz" / "dict"
    d.mkdir(parents=True, exist_ok=True)
    seen = []
    for e in entries:
        b = e if isinstance(e, bytes) else e.encode("utf-8")
        if b and b not in seen:
            seen.append(b)
    with open(d / (target + ".dict"), "w", encoding="ascii") as f:
        f.write("# libFuzzer dictionary for fuzz_%s: %s\n# Written by make_corpus.py.\n"
                % (target, comment))
        for b in seen:
            f.write(dict_entry(b) + "\n")


policy_words = set()
for p in list(ROOT.glob("policies/*/*.toml")) + list(ROOT.glob("tests/data/*/policy.toml")):
    t = p.read_text(encoding="utf-8")
    policy_words |= set(re.findall(
        r'^(?:id|consent_purpose|if_consent|unless_consent) = "([^"]*)"', t, re.M))
    policy_words |= {m.split(":", 1)[1] for m in re.findall(r'"((?:event|global):[a-z_0-9]+)"', t)}
    for arr in re.findall(r'(?:fields|activity) = \[([^\]]*)\]', t):
        policy_words |= set(re.findall(r'"([^"]*)"', arr))
    for tbl in re.findall(r'fields = \{([^}]*)\}', t):
        policy_words |= set(re.findall(r'(\w+) =', tbl))

UTF8 = ["æ", "ø", "å", "Æ", "Ø", "Å", "€", "😀", "\u0308", "\u00a0"]
write_dict("ingest", "JSON tokens, ingest keys, the fixed policies' names.", [
    "{", "}", "[", "]", ":", ",", '"', "\\u0000", "\\ud800", "\\udc00", '\\"', "null", "true",
    "false", "1e400", "-0", "1.5", "1e-400", "18446744073709551616", "-9223372036854775809",
    '"type"', '"subject"', '"record"', '"event"', '"consent"', '"ref"', '"id"', '"category"',
    '"created"', '"fields"', '"kind"', '"at"', '"scope"', '"global"', '"purpose"', '"given"',
    '"withdrawn"', '"case"', '"2026-01-05T10:00:00+01:00"', '"2026-02-01"', "Z", "+01:00", "\n",
    '{"type":"record","id":"r","subject":"s","category":"',
    '{"type":"event","subject":"s","kind":"', '{"type":"consent","subject":"s","purpose":"',
] + UTF8 + ['"%s"' % w for w in sorted(policy_words)])

write_dict("policy", "TOML structure, policy keys and values.", [
    "[policy]", "[identifiers]", "[[category]]", "[[rule]]", "[[test]]", "[[test.record]]",
    "[[test.event]]", "[[test.consent]]", "[[test.hold]]", "name", "controller", "contact",
    "timezone", "language", "request_deadline", "supervisory_authority", "email", "phone",
    "national_id", "id", "title", "purpose", "legal_basis", "legal_ref", "consent_purpose",
    "role", "recipients", "source", "special", "fields", "category", "categories", "after",
    "keep", "round", "action", "unlink", "where", "activity", "if_consent", "unless_consent",
    "now", "records", "events", "consents", "holds", "deleted", "anonymized", "kept", "case",
    '"created"', '"event:', '"global:', '"last_activity"', '"delete"', '"anonymize"',
    '"remove"', '"redact"', '"drop_last:', '"mask_last:', '"truncate_ip"', '"band:', '"year"',
    '"end_of_day"', '"end_of_week"', '"end_of_month"', '"end_of_year"', '"Europe/Oslo"',
    '"UTC"', '"nb"', '"en"', '"processor"', '"controller"', '"consent"', '"contract"',
    '"legal_obligation"', '"vital_interests"', '"public_task"', '"legitimate_interests"',
    '"*"', '"30d"', '"12w"', '"24mo"', '"1y"', '"P1Y6M2W3D"', '"0d"',
    "2026-01-05T10:00:00+01:00", "2026-01-05", "true", "false", " = ", '"""', "'''", "{ ", " }",
    "\n", "#", "9223372036854775807", "1e308", "inf", "nan",
] + UTF8)

write_dict("time", "duration units, RFC 3339 pieces, round modes, zones.", [
    "P", "Y", "M", "W", "D", "T", "H", "S", "d", "w", "mo", "y", "-", "+", ":", ".", "Z", "z",
    "t", " ", "\n", "1000", "1001", "9999", "0000", "2026-", "-02-29", "-12-31", "T23:59:59",
    "T02:30:00", "+01:00", "-00:00", "+14:00", "-12:00", "+24:00", ".999999999", "end_of_day",
    "end_of_week", "end_of_month", "end_of_year", "Europe/Oslo", "UTC", "Pacific/Apia",
    "America/Sao_Paulo", "/", "..", "2147483647", "9223372036854775807", "4294967296",
])

write_dict("selector", "phone prefixes, separators, Latin-1 letters in UTF-8.", [
    "+47", "0047", "47", "@", ".", " ", "-", "(", ")", "\t", "Æ", "Ø", "Å", "æ", "ø", "å", "Ä",
    "Ö", "Ü", "ß", "ÿ", "İ", "\u0308", "\u00a0", "\u202f", b"\xc3", b"\x80", "example.no",
    "K-0042", "01010100000", "41", "81", "00000000000",
])
