#!/usr/bin/env python3
"""Generates the demo datasets in examples/data/, one per seed policy in policies/.

Every person, e-mail address, phone number and national id number is made up: names are drawn
from common Norwegian names, e-mail addresses are @example.no, phone numbers are random, and the
fødselsnummer are random dates with valid mod-11 check digits. Output is JSON Lines in the ingest
format of vern-ingest(5), about two years of activity ending on TODAY.

Deterministic: the same script always writes the same bytes (fixed seeds, sorted output, no
wall clock). Python 3 standard library only. Run from anywhere:

    python3 examples/generate_demo_data.py            # writes examples/data/*.jsonl
    python3 examples/generate_demo_data.py --out DIR  # somewhere else
"""

import argparse
import calendar
import datetime as dt
import json
import os
import random
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")
TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=OSLO)  # the demo's "now"
START = dt.datetime(2024, 11, 26, 0, 0, tzinfo=OSLO)   # two years of history

FIRST_NAMES = [
    "Kari", "Ola", "Ingrid", "Per", "Anne", "Jonas", "Silje", "Lars", "Nora", "Emil", "Ida",
    "Magnus", "Marte", "Henrik", "Sofie", "Sindre", "Hanne", "Tor", "Eva", "Martin", "Camilla",
    "Kristian", "Ragnhild", "Øystein", "Åse", "Bjørn", "Thea", "Sander", "Linnea", "Håkon",
    "Maja", "Eirik", "Solveig", "Jørgen", "Ahmad", "Leila", "Mohammed", "Amina", "Yonas",
    "Huda", "Piotr", "Agnieszka", "Tomas", "Fatima", "Aleksander", "Vilde", "Stian", "Tone",
]
LAST_NAMES = [
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen",
    "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen",
    "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Lund",
    "Strand", "Moen", "Bakke", "Solberg", "Aas", "Vik", "Nordmann", "Sæther", "Rahimi",
    "Haddad", "Ali", "Tesfay", "Kowalski", "Nowak", "Lie", "Ødegård", "Bø", "Tveit", "Gundersen",
]
ASCII = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "Æ": "Ae", "Ø": "O", "Å": "A"})


# ---------------------------------------------------------------------------------------------
# Helpers

def iso(t):
    """RFC 3339 with the Europe/Oslo offset of that instant: 2026-01-05T10:00:00+01:00."""
    return t.astimezone(OSLO).isoformat(timespec="seconds")


def local(y, m, d, hh=0, mm=0, ss=0):
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=OSLO)


def add_months(t, n):
    tot = t.year * 12 + t.month - 1 + n
    y, m = divmod(tot, 12)
    day = min(t.day, calendar.monthrange(y, m + 1)[1])
    return t.replace(year=y, month=m + 1, day=day)


def working_time(rng, day):
    """A time during office hours (08:00-16:00) on `day`, moved off weekends."""
    d = day.astimezone(OSLO).date()
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return local(d.year, d.month, d.day, rng.randint(8, 15), rng.choice([0, 15, 30, 45]))


def any_time(rng, day):
    d = day.astimezone(OSLO).date()
    return local(d.year, d.month, d.day, rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))


def random_day(rng, lo, hi):
    span = (hi - lo).days
    return lo + dt.timedelta(days=rng.randint(0, max(span, 0)))


def fnr(rng, born):
    """An 11-digit fødselsnummer with valid mod-11 check digits for birth date `born`."""
    w1 = [3, 7, 6, 1, 8, 9, 4, 5, 2]
    w2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
    while True:
        ind = rng.randint(0, 499) if born.year < 2000 else rng.randint(500, 999)
        digits = [int(c) for c in born.strftime("%d%m%y") + f"{ind:03d}"]
        k1 = (11 - sum(a * b for a, b in zip(w1, digits)) % 11) % 11
        if k1 == 10:
            continue
        digits.append(k1)
        k2 = (11 - sum(a * b for a, b in zip(w2, digits)) % 11) % 11
        if k2 == 10:
            continue
        digits.append(k2)
        return "".join(map(str, digits))


def closed(session):
    """When a counsellor closes a course in the source system: two hours after its last session.

    `last_session` is stamped then, after the notes of that session were written: a subject event
    anchors only the records that existed when it happened (vern-policy(5)), so an event stamped at the
    start of the session would leave that session's notes waiting for a next course.
    """
    return session + dt.timedelta(hours=2)


def mobile(rng):
    first = rng.choice("49")
    return f"+47 {first}{rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 999):03d}"


def landline(rng):
    return f"+47 {rng.randint(22, 77)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


def ipv4(rng):
    return f"{rng.choice([84, 88, 46, 193, 178, 217])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


class Person:
    def __init__(self, rng, used_emails):
        self.first = rng.choice(FIRST_NAMES)
        self.last = rng.choice(LAST_NAMES)
        self.name = f"{self.first} {self.last}"
        base = f"{self.first}.{self.last}".lower().translate(ASCII)
        email, n = f"{base}@example.no", 1
        while email in used_emails:
            n += 1
            email = f"{base}{n}@example.no"
        used_emails.add(email)
        self.email = email
        self.phone = mobile(rng)
        self.born = dt.date(rng.randint(1962, 2006), rng.randint(1, 12), rng.randint(1, 28))
        self.gender = rng.choice(["kvinne", "mann"])

    def age(self, at):
        at = at.astimezone(OSLO).date()
        return at.year - self.born.year - ((at.month, at.day) < (self.born.month, self.born.day))


class Out:
    """Collects ingest lines; subjects and their lines stay together, global events last.

    Nothing is stamped after TODAY: a record, event or consent that the story would place in the
    future has not happened yet and is left out (with the events of a left-out record).
    """

    def __init__(self):
        self.lines = []
        self.future_records = set()

    def subject(self, ref):
        self.lines.append({"type": "subject", "ref": ref})

    def record(self, rid, subject, category, created, fields, case=None):
        if created > TODAY:
            self.future_records.add(rid)
            return
        line = {"type": "record", "id": rid, "subject": subject}
        if case:
            line["case"] = case
        line.update({"category": category, "created": iso(created), "fields": fields})
        self.lines.append(line)

    def event(self, kind, at, subject=None, record=None, scope=None, case=None):
        if at > TODAY or record in self.future_records:
            return
        line = {"type": "event"}
        if subject:
            line["subject"] = subject
        if case:
            line["case"] = case
        if record:
            line["record"] = record
        line["kind"] = kind
        line["at"] = iso(at)
        if scope:
            line["scope"] = scope
        self.lines.append(line)

    def consent(self, subject, purpose, given=None, withdrawn=None):
        if (given or withdrawn) > TODAY:
            return
        line = {"type": "consent", "subject": subject, "purpose": purpose}
        if given:
            line["given"] = iso(given)
        if withdrawn:
            line["withdrawn"] = iso(withdrawn)
        self.lines.append(line)

    def write(self, path):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for line in self.lines:
                f.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


TELEMARK = ["Skien", "Porsgrunn", "Notodden", "Bamble", "Kragerø", "Bø", "Seljord", "Tinn",
            "Vinje", "Drangedal", "Nome", "Siljan", "Tokke", "Kviteseid"]
EDUCATION = ["grunnskole", "videregående", "fagbrev", "bachelor", "master", "annet"]
SITUATION = ["i arbeid", "arbeidsledig", "student", "sykmeldt", "permittert", "annet"]
FOCUS = ["jobbskifte", "utdanningsvalg", "CV og søknad", "intervjutrening", "omstilling",
         "godkjenning av utdanning", "karriereplan"]


# ---------------------------------------------------------------------------------------------
# karrieresenter-telemark-2019

def gen_telemark_2019(rng):
    out, emails = Out(), set()
    for i in range(1, 301):
        p, ref = Person(rng, emails), f"KT19-{i:04d}"
        booked = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=1)))
        n_sessions = rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
        first = working_time(rng, booked + dt.timedelta(days=rng.randint(3, 14)))
        sessions = [working_time(rng, first + dt.timedelta(days=7 * k)) for k in range(n_sessions)]
        done = sessions[-1] <= TODAY
        out.subject(ref)
        out.consent(ref, "karriereveiledning", given=booked)
        survey = rng.random() < 0.4
        if survey:
            out.consent(ref, "kompetanse_norge_survey", given=booked)
        out.record(f"{ref}-bestilling", ref, "booking", booked, {
            "phone": p.phone, "municipality": rng.choice(TELEMARK), "age": p.age(booked),
            "education": rng.choice(EDUCATION), "work_experience": rng.choice(
                ["butikk", "helse", "industri", "kontor", "bygg", "barnehage", "IT"]),
            "focus_areas": rng.choice(FOCUS), "situation": rng.choice(SITUATION),
            "booked_at": iso(booked)})
        out.record(f"{ref}-navn", ref, "client_name", booked, {"name": p.name})
        out.record(f"{ref}-epost", ref, "client_email", booked, {"email": p.email})
        out.record(f"{ref}-statistikk", ref, "client_statistics", booked, {
            "age": p.age(booked), "municipality": rng.choice(TELEMARK),
            "education": rng.choice(EDUCATION), "situation": rng.choice(SITUATION)})
        sms_at = booked + dt.timedelta(hours=2)
        out.record(f"{ref}-sms-1", ref, "correspondence", sms_at, {
            "channel": "sms", "direction": "ut", "sent_at": iso(sms_at),
            "text": f"Bekreftelse: karriereveiledning {sessions[0].strftime('%d.%m.%Y kl. %H:%M')}"})
        if rng.random() < 0.5:
            mail_at = booked + dt.timedelta(days=1, hours=3)
            out.record(f"{ref}-epost-1", ref, "correspondence", mail_at, {
                "channel": "epost", "direction": "inn", "sent_at": iso(mail_at),
                "text": "Hei, jeg har lagt ved CV-en min før timen."})
        if n_sessions > 1:
            for k, s in enumerate(sessions):
                if s > TODAY:
                    break
                out.record(f"{ref}-logg-{k + 1}", ref, "session_log", s + dt.timedelta(hours=1), {
                    "session_date": s.date().isoformat(), "focus": rng.choice(FOCUS),
                    "topics": "muligheter og hindringer", "homework": rng.choice(
                        ["oppdatere CV", "undersøke studietilbud", "snakke med arbeidsgiver"]),
                    "preparation": "ta med vitnemål"})
        if rng.random() < 0.15:  # before the first session, to talk about in it
            wie_at = booked + dt.timedelta(days=1, hours=7)
            out.record(f"{ref}-wie", ref, "work_interest_explorer", wie_at, {
                "answers": "liker å jobbe med mennesker; praktisk arbeid",
                "results": rng.choice(["sosial, praktisk", "undersøkende, kunstnerisk",
                                       "foretaksom, konvensjonell"])})
        if done:
            out.event("last_session", closed(sessions[-1]), subject=ref)
            if survey and rng.random() < 0.15:
                w = sessions[-1] + dt.timedelta(days=rng.randint(1, 200))
                if w <= TODAY:
                    out.consent(ref, "kompetanse_norge_survey", withdrawn=w)
    returning_telemark_2019(out, random.Random("vern-demo-karrieresenter-telemark-2019-returning"),
                            emails)
    return out


def returning_telemark_2019(out, rng, emails):
    """Clients who come back about half a year after their last session (KT19-R-*).

    The first course's records are in the export with its `last_session`; the second course has a
    new booking, SMS, logs, e-mail and anonymous registration (and a new name record if it falls in
    a later calendar year: the name of a client returning within the year is kept, not registered
    again). KT19-R-0001 is back in November 2026 and still in guidance on TODAY: its new records
    wait for the next `last_session`, while the old ones are due.
    """
    for i in range(1, 21):
        p, ref = Person(rng, emails), f"KT19-R-{i:04d}"
        out.subject(ref)
        if i == 1:
            booked = working_time(rng, TODAY - dt.timedelta(days=230))
        else:
            booked = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=300)))
        out.consent(ref, "karriereveiledning", given=booked)
        out.record(f"{ref}-navn", ref, "client_name", booked, {"name": p.name})
        last = None
        for course in (1, 2):
            sfx = "" if course == 1 else "-2"
            if course == 2:
                back = TODAY - dt.timedelta(days=12) if i == 1 else last + dt.timedelta(
                    days=rng.randint(150, 240))
                booked = working_time(rng, back)
                if booked > TODAY:
                    break
                if booked.year != last.year:
                    out.record(f"{ref}-navn-2", ref, "client_name", booked, {"name": p.name})
            n = 3 if (i == 1 and course == 2) else rng.choices([1, 2, 3], [40, 40, 20])[0]
            first = working_time(rng, booked + dt.timedelta(days=rng.randint(3, 7)))
            sessions = [working_time(rng, first + dt.timedelta(days=7 * k)) for k in range(n)]
            out.record(f"{ref}-bestilling{sfx}", ref, "booking", booked, {
                "phone": p.phone, "municipality": rng.choice(TELEMARK), "age": p.age(booked),
                "education": rng.choice(EDUCATION), "focus_areas": rng.choice(FOCUS),
                "situation": rng.choice(SITUATION), "booked_at": iso(booked)})
            out.record(f"{ref}-epost{sfx}", ref, "client_email", booked, {"email": p.email})
            out.record(f"{ref}-statistikk{sfx}", ref, "client_statistics", booked, {
                "age": p.age(booked), "municipality": rng.choice(TELEMARK),
                "education": rng.choice(EDUCATION), "situation": rng.choice(SITUATION)})
            sms_at = booked + dt.timedelta(hours=2)
            out.record(f"{ref}-sms{sfx}", ref, "correspondence", sms_at, {
                "channel": "sms", "direction": "ut", "sent_at": iso(sms_at),
                "text": f"Bekreftelse: karriereveiledning {sessions[0].strftime('%d.%m.%Y kl. %H:%M')}"})
            for k, s in enumerate(sessions if n > 1 else []):
                if s > TODAY:
                    break
                out.record(f"{ref}-logg{sfx}-{k + 1}", ref, "session_log", s + dt.timedelta(hours=1), {
                    "session_date": s.date().isoformat(), "focus": rng.choice(FOCUS),
                    "topics": "ny runde: hva har skjedd siden sist" if course == 2 else "muligheter og hindringer",
                    "homework": rng.choice(["oppdatere CV", "undersøke studietilbud"]),
                    "preparation": "ta med vitnemål"})
            last = sessions[-1]
            if last <= TODAY:
                out.event("last_session", closed(last), subject=ref)


# ---------------------------------------------------------------------------------------------
# karrieresenter-telemark

# The coded topic of a session registration (`topic_code`, kept in the statistics), from the
# free-text topic (`topic`, removed when the registration becomes statistics).
TOPIC_CODE = {"jobbskifte": "karriereendring", "utdanningsvalg": "utdanning",
              "CV og søknad": "jobbsøking", "intervjutrening": "jobbsøking",
              "omstilling": "karriereendring", "godkjenning av utdanning": "godkjenning",
              "karriereplan": "karriereplan"}


def registration(p, s, education, occupation, immigrant, channel, topic, municipality):
    """The fields of a session registration (points 1-4 of the statement)."""
    return {"name": p.name, "gender": p.gender,
            "age_group": f"{p.age(s) // 10 * 10}-{p.age(s) // 10 * 10 + 9}",
            "education": education, "occupation": occupation, "immigrant": immigrant,
            "session_at": iso(s), "duration_min": 60, "channel": channel,
            "topic": f"{topic}: {p.first} vil {'ta utdanning' if topic == 'utdanningsvalg' else 'komme videre'}",
            "topic_code": TOPIC_CODE[topic], "municipality": municipality}


def gen_telemark(rng):
    out, emails = Out(), set()
    subscription_ended = local(2026, 11, 10)
    inflow24_discontinued = local(2026, 11, 25, 16, 0)
    for i in range(1, 321):
        p, ref = Person(rng, emails), f"KT-{i:04d}"
        refugee = rng.random() < 0.2
        booked = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=1)))
        n_sessions = rng.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
        first = working_time(rng, booked + dt.timedelta(days=rng.randint(3, 14)))
        sessions = [working_time(rng, first + dt.timedelta(days=7 * k)) for k in range(n_sessions)]
        municipality = rng.choice(TELEMARK)
        out.subject(ref)
        if rng.random() < 0.3:
            sent = any_time(rng, booked - dt.timedelta(days=rng.randint(1, 10)))
            out.record(f"{ref}-epost", ref, "mailbox", sent, {
                "from": p.email, "subject": rng.choice(
                    ["Spørsmål om veiledning", "Ønsker time", "Endring av time", "Takk for sist"]),
                "body": "Hei! Jeg lurer på om jeg kan få en samtale om utdanning og jobb.",
                "received_at": iso(sent)})
        mode = rng.choice(["telefon", "video", "oppmøte"])
        for k, s in enumerate(sessions):
            bid = f"{ref}-time-{k + 1}"
            created = booked if k == 0 else sessions[k - 1] + dt.timedelta(hours=1)
            fields = {"name": p.name, "email": p.email, "phone": p.phone, "appointment_at": iso(s),
                      "duration_min": rng.choice([45, 60, 90]), "reason": rng.choice(FOCUS), "mode": mode}
            if mode == "oppmøte":
                fields["location"] = rng.choice(["Skien", "Seljord"])
            out.record(bid, ref, "booking", created, fields)
            if s <= TODAY:
                out.event("appointment_held", s + dt.timedelta(minutes=60), record=bid)
                out.record(f"{ref}-registrering-{k + 1}", ref, "session_registration", s, registration(
                    p, s, rng.choice(EDUCATION), rng.choice(["utdanning", "lønnet arbeid", "annet"]),
                    refugee or rng.random() < 0.1, rng.choice(["chat", "epost", "telefon", "video", "fysisk"]),
                    rng.choice(FOCUS), municipality))
                if n_sessions > 1:
                    out.record(f"{ref}-notat-{k + 1}", ref, "session_notes", s + dt.timedelta(hours=1), {
                        "text": rng.choice(["Følge opp søknad til fagskole", "Se på realkompetansevurdering",
                                            "Ønsker å jobbe i helsesektoren"]), "session_at": iso(s)})
        # E-mail to the counsellor (not the centre's mailbox) for some clients with more sessions.
        if n_sessions > 1 and rng.random() < 0.3 and sessions[0] <= TODAY:
            sent = any_time(rng, sessions[0] + dt.timedelta(days=rng.randint(1, 5)))
            if sent <= TODAY:
                out.record(f"{ref}-veileder-epost", ref, "counsellor_email", sent, {
                    "from": p.email, "counsellor": "karriereveileder@telemarkfylke.no",
                    "subject": rng.choice(["CV", "Søknaden min", "Spørsmål etter timen"]),
                    "body": "Hei! Her er CV-en min, som vi snakket om.", "received_at": iso(sent)})
        if refugee and sessions[0] <= TODAY:
            out.record(f"{ref}-karrierenotat", ref, "refugee_career_note", sessions[0] + dt.timedelta(hours=2), {
                "text": "Utdanning fra hjemlandet; ønsker godkjenning og norskopplæring på B2-nivå.",
                "municipality": municipality, "imdi_case": f"IMDI-{rng.randint(100000, 999999)}"})
        if sessions[-1] <= TODAY:
            out.event("last_session", closed(sessions[-1]), subject=ref)
        # InFlow24: about a third of the clients; some withdrew consent (their data is gone).
        if rng.random() < 0.33:
            start = working_time(rng, random_day(rng, local(2024, 1, 8), TODAY - dt.timedelta(days=2)))
            if start < inflow24_discontinued:
                out.consent(ref, "inflow24", given=start)
                withdrawn = any_time(rng, start + dt.timedelta(days=rng.randint(5, 60)))
                if rng.random() < 0.12 and withdrawn < TODAY:
                    out.consent(ref, "inflow24", withdrawn=withdrawn)
                else:
                    out.record(f"{ref}-inflow24", ref, "inflow24", start, {
                        "name": p.name, "email": p.email, "postcode": f"3{rng.randint(600, 999)}",
                        "mobile": p.phone, "country": "Norge", "gender": p.gender,
                        "birth_year": p.born.year, "answers": "interesser: mennesker, praktisk arbeid"})
                    inflow24_sharing(out, rng, ref, start, inflow24_discontinued)
                    t = start
                    for _ in range(rng.randint(0, 4)):
                        t = any_time(rng, t + dt.timedelta(days=rng.randint(10, 200)))
                        if t >= TODAY:
                            break
                        out.event("inflow24_login", t, subject=ref)
                    if rng.random() < 0.05:  # deleted in the app (or by support@inflow24.no)
                        gone = any_time(rng, t + dt.timedelta(days=rng.randint(1, 30)))
                        if gone < inflow24_discontinued:
                            out.event("inflow24_deleted", gone, subject=ref)
        # Karriereverktøy: until the county's subscription ended.
        if rng.random() < 0.25:
            start = working_time(rng, random_day(rng, START, subscription_ended - dt.timedelta(days=3)))
            out.consent(ref, "karriereverktoy", given=start)
            out.record(f"{ref}-karriereverktoy", ref, "karriereverktoy", start, {
                "name": p.name, "email": p.email, "phone": p.phone,
                "answers": "realistisk 7, sosial 9, konvensjonell 4",
                "suggestions": rng.choice(["sykepleier, vernepleier", "elektriker, automatiker",
                                           "regnskapsfører, økonom", "lærer, barnehagelærer"]),
                "interests": rng.choice(["helse", "teknikk", "økonomi", "undervisning"]),
                "notes": "Vil vurdere deltidsstudier.", "ip": ipv4(rng),
                "subscription": "Telemark fylkeskommune"})
            t = start
            for _ in range(rng.randint(0, 3)):
                t = any_time(rng, t + dt.timedelta(days=rng.randint(5, 120)))
                if t >= subscription_ended:
                    break
                out.event("karriereverktoy_login", t, subject=ref)
    # InFlow24 users who never booked guidance: only their own use of the tool counts as activity.
    for i in range(1, 41):
        p, ref = Person(rng, emails), f"KT-IF-{i:04d}"
        start = any_time(rng, random_day(rng, local(2024, 1, 8), local(2025, 6, 30)))
        out.subject(ref)
        out.consent(ref, "inflow24", given=start)
        out.record(f"{ref}-inflow24", ref, "inflow24", start, {
            "name": p.name, "email": p.email, "postcode": f"3{rng.randint(600, 999)}", "mobile": p.phone,
            "country": "Norge", "birth_year": p.born.year, "answers": "interesser: natur, teknikk"})
        inflow24_sharing(out, rng, ref, start, inflow24_discontinued)
        t = start
        for _ in range(rng.randint(0, 3)):
            t = any_time(rng, t + dt.timedelta(days=rng.randint(20, 300)))
            out.event("inflow24_login", t, subject=ref)
    returning_telemark(out, random.Random("vern-demo-karrieresenter-telemark-returning"), emails)
    out.event("subscription_ended", subscription_ended, scope="global")
    out.event("inflow24_discontinued", inflow24_discontinued, scope="global")
    return out


def inflow24_sharing(out, rng, ref, start, until):
    """About half of the InFlow24 users let the centre see their results (consent
    `inflow24_sharing`); some of them withdraw that consent in the tool later: the centre's copy of
    the results is then gone from the export, the account in the tool stays. Nothing is shared
    from `until` on (the centre stopped using the tool)."""
    if rng.random() >= 0.5:
        return
    shared = start + dt.timedelta(days=rng.randint(0, 3), hours=1)
    if shared > TODAY or shared >= until:
        return
    out.consent(ref, "inflow24_sharing", given=shared)
    withdrawn = any_time(rng, shared + dt.timedelta(days=rng.randint(3, 90)))
    if rng.random() < 0.15 and withdrawn < TODAY:
        out.consent(ref, "inflow24_sharing", withdrawn=withdrawn)
        return
    out.record(f"{ref}-inflow24-resultater", ref, "inflow24_shared_results", shared, {
        "results": rng.choice(["interesser: mennesker, omsorg", "interesser: teknikk, natur",
                               "interesser: tall, orden", "interesser: kreativitet, formidling"]),
        "shared_at": iso(shared)})


def returning_telemark(out, rng, emails):
    """Clients who come back about half a year after their last session (KT-R-*).

    Each course has its bookings (with `appointment_held`), session registrations, notes and a
    `last_session`. KT-R-0001 is back in November 2026 and still in guidance on TODAY: the notes of
    its first course are due, the new ones wait for the next `last_session`. It also opened an
    InFlow24 account in its first course and logged in once: its guidance sessions since then are not
    activity in the tool (`activity = ["inflow24_login"]`).
    """
    for i in range(1, 21):
        p, ref = Person(rng, emails), f"KT-R-{i:04d}"
        out.subject(ref)
        if i == 1:
            booked = working_time(rng, TODAY - dt.timedelta(days=230))
        else:
            booked = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=300)))
        municipality = rng.choice(TELEMARK)
        mode = rng.choice(["telefon", "video", "oppmøte"])
        last = None
        for course in (1, 2):
            sfx = "" if course == 1 else "-2"
            if course == 2:
                back = TODAY - dt.timedelta(days=12) if i == 1 else last + dt.timedelta(
                    days=rng.randint(150, 240))
                booked = working_time(rng, back)
                if booked > TODAY:
                    break
            n = 3 if i == 1 else rng.choices([1, 2, 3], [30, 45, 25])[0]
            first = working_time(rng, booked + dt.timedelta(days=rng.randint(3, 7)))
            sessions = [working_time(rng, first + dt.timedelta(days=7 * k)) for k in range(n)]
            for k, s in enumerate(sessions):
                bid = f"{ref}-time{sfx}-{k + 1}"
                created = booked if k == 0 else sessions[k - 1] + dt.timedelta(hours=1)
                out.record(bid, ref, "booking", created, {
                    "name": p.name, "email": p.email, "phone": p.phone, "appointment_at": iso(s),
                    "duration_min": 60, "reason": rng.choice(FOCUS), "mode": mode})
                if s > TODAY:
                    continue
                out.event("appointment_held", s + dt.timedelta(minutes=60), record=bid)
                out.record(f"{ref}-registrering{sfx}-{k + 1}", ref, "session_registration", s, registration(
                    p, s, rng.choice(EDUCATION), rng.choice(["utdanning", "lønnet arbeid", "annet"]),
                    False, rng.choice(["telefon", "video", "fysisk"]), rng.choice(FOCUS), municipality))
                if n > 1:
                    out.record(f"{ref}-notat{sfx}-{k + 1}", ref, "session_notes", s + dt.timedelta(hours=1), {
                        "text": rng.choice(["Ny runde: har fått avslag på fagskole", "Vurderer omskolering",
                                            "Følge opp søknad til fagskole"]) if course == 2 else
                        rng.choice(["Følge opp søknad til fagskole", "Se på realkompetansevurdering"]),
                        "session_at": iso(s)})
            if i == 1 and course == 1:
                start = sessions[0] + dt.timedelta(hours=3)
                out.consent(ref, "inflow24", given=start)
                out.record(f"{ref}-inflow24", ref, "inflow24", start, {
                    "name": p.name, "email": p.email, "postcode": f"3{rng.randint(600, 999)}",
                    "mobile": p.phone, "country": "Norge", "gender": p.gender,
                    "birth_year": p.born.year, "answers": "interesser: mennesker, praktisk arbeid"})
                out.event("inflow24_login", start + dt.timedelta(days=9, hours=5), subject=ref)
            last = sessions[-1]
            if last <= TODAY:
                out.event("last_session", closed(last), subject=ref)


# ---------------------------------------------------------------------------------------------
# karriereveiledning-no

COUNTIES = ["Oslo", "Viken", "Innlandet", "Vestfold", "Telemark", "Agder", "Rogaland",
            "Vestland", "Møre og Romsdal", "Trøndelag", "Nordland", "Troms", "Finnmark"]
TOPICS = ["studievalg", "yrkesfag", "jobbsøking", "omstilling", "CV", "opptak", "realkompetanse"]
WEBINARS = [(local(2025, 2, 12, 19), "Webinar: Å velge utdanning"),
            (local(2025, 9, 17, 19), "Webinar: Jobbsøking for voksne"),
            (local(2026, 3, 11, 19), "Webinar: Å velge utdanning"),
            (local(2026, 10, 28, 19), "Webinar: Karriere og omstilling"),
            (local(2026, 11, 18, 19), "Webinar: Søknad og CV")]


def gen_karriereveiledning(rng):
    out, emails = Out(), set()
    for i in range(1, 351):
        p, ref = Person(rng, emails), f"KV-{i:05d}"
        out.subject(ref)
        first = random_day(rng, START, TODAY - dt.timedelta(hours=3))
        # Recent months are denser so that a purge on TODAY finds data in every state.
        if rng.random() < 0.5:
            first = random_day(rng, TODAY - dt.timedelta(days=45), TODAY - dt.timedelta(hours=3))
        t = first
        for k in range(rng.choices([1, 2, 3], [70, 20, 10])[0]):
            t = any_time(rng, t + dt.timedelta(days=k * rng.randint(1, 20)))
            if t >= TODAY:
                break
            common = {"gender": p.gender, "age": p.age(t), "job_status": rng.choice(SITUATION),
                      "education": rng.choice(EDUCATION), "county": rng.choice(COUNTIES),
                      "topic": rng.choice(TOPICS), "previous_guidance": rng.random() < 0.3}
            if rng.random() < 0.5:
                rng.randint(120, 2400)  # the duration, no longer kept: drawn so the rest stays the same
                fields = dict(common)
                if rng.random() < 0.85:  # the rest called with a hidden number
                    fields["phone"] = p.phone
                out.record(f"{ref}-tlf-{k + 1}", ref, "phone_call", t, fields)
            else:
                fields = dict(common, ip=ipv4(rng), text=rng.choice([
                    "Hei, jeg vurderer å bytte fra studiespesialisering til yrkesfag. Hva bør jeg tenke på?",
                    "Jeg har vært sykmeldt en stund og vil prøve noe nytt. Hvor begynner jeg?",
                    "Kan jeg søke fagbrev på grunnlag av praksis?"]))
                if rng.random() < 0.2:
                    fields["phone"] = p.phone
                out.record(f"{ref}-chat-{k + 1}", ref, "chat", t, fields)
        for k in range(rng.randint(1, 4)):
            v = any_time(rng, random_day(rng, first - dt.timedelta(days=30), TODAY - dt.timedelta(hours=1)))
            if v >= TODAY or v < START:
                continue
            out.record(f"{ref}-aktivitet-{k + 1}", ref, "activity", v, {
                "ip": ipv4(rng), "device": rng.choice(["pc", "mobil", "nettbrett"]),
                "browser": rng.choice(["Chrome", "Safari", "Firefox", "Edge"]),
                "page": rng.choice(["/", "/utdanning", "/jobb", "/chat", "/verktoy"]), "visited_at": iso(v)})
        if rng.random() < 0.15:
            when, title = rng.choice(WEBINARS)
            rid = f"{ref}-arrangement"
            out.record(rid, ref, "event_participant", when - dt.timedelta(days=rng.randint(2, 20)), {
                "name": p.name, "email": p.email, "event_name": title, "event_date": when.date().isoformat()})
            if when <= TODAY:
                out.event("event_held", when + dt.timedelta(hours=1), record=rid)
    return out


# ---------------------------------------------------------------------------------------------
# joblearn

MEASURES = ["Avklaring", "Oppfølging", "Arbeidsforberedende trening", "Jobbklubb", "Arbeidsrettet rehabilitering"]


def gen_joblearn(rng):
    out, emails = Out(), set()
    second = random.Random("vern-demo-joblearn-second-measure")
    for i in range(1, 281):
        p, ref = Person(rng, emails), f"JL-{i:04d}"
        start = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=14)))
        end = working_time(rng, add_months(start, rng.randint(2, 10)))
        measure = rng.choice(MEASURES)
        out.subject(ref)
        out.record(f"{ref}-personalia", ref, "personalia", start, {
            "name": p.name, "fnr": fnr(rng, p.born), "gender": p.gender,
            "address": f"{rng.choice(['Storgata', 'Kirkegata', 'Parkveien', 'Skolegata'])} {rng.randint(1, 80)}, {rng.choice(['0150 Oslo', '3015 Drammen', '1606 Fredrikstad', '5003 Bergen'])}",
            "email": p.email, "phone": p.phone})
        joblearn_measure(out, rng, ref, "tiltak-1", measure, start, end)
        # A second measure for about one participant in five (its own random stream, so the rest of
        # the data does not change): overlapping the first one, or starting after its final report.
        if second.random() < 0.2:
            if second.random() < 0.5:
                start2 = working_time(second, start + (end - start) * second.uniform(0.2, 0.8))
            else:
                start2 = working_time(second, end + dt.timedelta(days=second.randint(7, 70)))
            if start2 <= TODAY - dt.timedelta(days=14):
                end2 = working_time(second, add_months(start2, second.randint(2, 8)))
                measure2 = second.choice([m for m in MEASURES if m != measure])
                joblearn_measure(out, second, ref, "tiltak-2", measure2, start2, end2)
    return out


def joblearn_measure(out, rng, ref, case, measure, start, end):
    """One measure (a case): NAV's order, assessment, attendance, employer contact, certificate,
    reports, and the final report sent to NAV (`final_report_sent` with the case). Ids of the
    first measure have no suffix, those of the second end in -2."""
    sfx = "" if case == "tiltak-1" else "-2"
    out.record(f"{ref}-nav{sfx}", ref, "nav_info", start, {
        "measure": measure, "text": "Bestilling fra NAV: kartlegge arbeidsevne og mål for tiltaket.",
        "received_at": iso(start)}, case=case)
    out.record(f"{ref}-kartlegging{sfx}", ref, "assessment", start + dt.timedelta(days=7), {
        "work_experience": rng.choice(["lager", "butikk", "renhold", "omsorg", "transport"]),
        "wishes": rng.choice(["fast jobb", "deltidsjobb", "utdanning"]),
        "opportunities": "motivert, praktisk anlagt", "obstacles": rng.choice(
            ["mangler førerkort", "norskferdigheter", "helseutfordringer", "lite arbeidserfaring"]),
        "notes": ""}, case=case)
    t = start
    k = 0
    while True:
        t = working_time(rng, t + dt.timedelta(days=rng.randint(10, 25)))
        if t > min(end, TODAY):
            break
        k += 1
        out.record(f"{ref}-oppmote{sfx}-{k}", ref, "attendance", t, {
            "date": t.date().isoformat(), "present": rng.random() < 0.85,
            "job_status": rng.choice(["søker jobb", "i arbeidstrening", "i jobb"]),
            "activity": rng.choice(["jobbsøking", "kurs", "samtale", "arbeidstrening"])}, case=case)
    if rng.random() < 0.35:
        out.record(f"{ref}-arbeidsgiver{sfx}", ref, "employer_contact", start + dt.timedelta(days=30), {
            "employer": rng.choice(["Lager AS", "Kiwi Torget", "Omsorgssenteret", "Bygg og Bo AS"]),
            "contact_person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            "notes": "Arbeidsutprøving 4 uker."}, case=case)
    if rng.random() < 0.3 and start + dt.timedelta(days=40) <= TODAY:
        out.record(f"{ref}-kursbevis{sfx}", ref, "certificate", start + dt.timedelta(days=40), {
            "title": rng.choice(["Kursbevis truckfører T1-T4", "Kursbevis førstehjelp", "Kursbevis HMS"]),
            "issuer": "JobLearn AS", "issued": (start + dt.timedelta(days=40)).date().isoformat()}, case=case)
    mid = start + (end - start) / 2
    if mid <= TODAY:
        out.record(f"{ref}-rapport-underveis{sfx}", ref, "report", working_time(rng, mid), {
            "kind": "underveisrapport", "text": "Deltaker følger planen.", "sent_at": iso(working_time(rng, mid))}, case=case)
    if end <= TODAY:
        out.record(f"{ref}-sluttrapport{sfx}", ref, "report", end, {
            "kind": "sluttrapport", "text": rng.choice(["Deltaker har fått jobb.", "Deltaker går over til utdanning.",
                                                         "Tiltaket avsluttet etter plan."]), "sent_at": iso(end)}, case=case)
        out.event("final_report_sent", end, subject=ref, case=case)


# ---------------------------------------------------------------------------------------------
# personalpartner

def gen_personalpartner(rng):
    out, emails = Out(), set()
    second = random.Random("vern-demo-personalpartner-second-measure")
    withdraw = random.Random("vern-demo-personalpartner-withdraw")
    refs = []
    for i in range(1, 241):
        p, ref = Person(rng, emails), f"PP-{i:04d}"
        refs.append((ref, p))
        measure = rng.choices(["AFT", "VTA", "ARR"], [50, 25, 25])[0]
        start = working_time(rng, random_day(rng, START - dt.timedelta(days=120), TODAY - dt.timedelta(days=20)))
        end = working_time(rng, add_months(start, rng.randint(3, 12) if measure != "VTA" else rng.randint(12, 30)))
        out.subject(ref)
        created = max(start, START)
        out.record(f"{ref}-deltaker", ref, "participant", created, {
            "name": p.name, "fnr": fnr(rng, p.born),
            "address": f"{rng.choice(['Kongensgate', 'Fjordveien', 'Jeløygata', 'Rådhusgata'])} {rng.randint(1, 60)}, {rng.choice(['1530 Moss', '1640 Råde', '1592 Våler'])}",
            "phone": p.phone, "email": p.email, "measure": measure,
            "department": rng.choice(["Moss", "Råde", "Våler"])})
        # «skal du gi samtykke (tillatelse) til at Nav gir oss de personopplysningene vi trenger»
        out.consent(ref, "nav_deler_opplysninger", given=created)
        case = f"{measure.lower()}-1"
        left = personalpartner_measure(out, rng, ref, p, case, measure, created, end)
        # A second measure for about one participant in five (its own random stream, so the rest
        # of the data does not change): another measure alongside the first, another one after it,
        # or the same measure again after the participant had left it (rejoining: "aft-2").
        if second.random() < 0.2:
            how = second.choices(["overlapping", "after", "rejoin"], [40, 30, 30])[0]
            if how == "rejoin":
                measure2 = measure
                begin = left + dt.timedelta(days=second.randint(14, 80)) if left else None
            else:
                measure2 = second.choice([m for m in ["AFT", "VTA", "ARR"] if m != measure])
                begin = (created + (end - created) * second.uniform(0.2, 0.7) if how == "overlapping"
                         else end + dt.timedelta(days=second.randint(3, 30)))
            if begin and begin <= TODAY - dt.timedelta(days=20):
                start2 = working_time(second, begin)
                end2 = working_time(second, add_months(start2, second.randint(3, 12)))
                case2 = f"{measure2.lower()}-{2 if measure2 == measure else 1}"
                personalpartner_measure(out, second, ref, p, case2, measure2, start2, end2, "-2")
        # A few withdraw that consent («frasi deg samtykket») during the measure (their own random
        # stream): the withdrawal deletes the participant record when it is ingested.
        if withdraw.random() < 0.05 and ref != "PP-0083":
            at = working_time(withdraw, created + dt.timedelta(days=withdraw.randint(14, 90)))
            if at < min(end, TODAY):
                out.consent(ref, "nav_deler_opplysninger", withdrawn=at)
    # The switchboard's phone log over the last 14 months: callers are participants or others. The
    # number that does not belong to Personalpartner is `external_number`; calls between two of
    # its own lines have `internal_number` instead. Some lines come without a direction.
    ext = {}
    nodir = random.Random("vern-demo-personalpartner-no-direction")
    for n in range(1, 1201):
        t = any_time(rng, random_day(rng, add_months(TODAY, -14), TODAY - dt.timedelta(days=1)))
        if t >= TODAY:
            continue
        internal = rng.random() < 0.15
        if internal:
            caller, number = "PP-SENTRALEN", f"+47 69 20 {rng.randint(10, 99)} {rng.randint(10, 99)}"
        elif rng.random() < 0.3:
            caller, person = rng.choice(refs)
            number = person.phone
        else:
            k = rng.randint(1, 400)
            caller = f"TLF-{k:04d}"
            number = ext.setdefault(caller, rng.choice([mobile, landline])(rng))
        fields = {"internal_number" if internal else "external_number": number,
                  "extension": str(rng.randint(200, 260))}
        direction = rng.choice(["inn", "ut"])
        if nodir.random() >= 0.05:
            fields["direction"] = direction
        fields["started_at"] = iso(t)
        out.record(f"tlf-{n:05d}", caller, "phone_log", t, fields)
    # Short-term loans of assistive aids for Moss, Råde and Våler (processor for the municipality).
    for i in range(1, 121):
        p, ref = Person(rng, emails), f"HM-{i:04d}"
        out.subject(ref)
        lent = working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=1)))
        municipality = rng.choice(["Moss", "Råde", "Våler"])
        rid = f"{ref}-utlan"
        out.record(rid, ref, "aid_loan", lent, {
            "name": p.name, "address": f"{rng.choice(['Storgata', 'Vestre vei', 'Solbakken'])} {rng.randint(1, 40)}, {municipality}",
            "phone": p.phone, "aid_type": rng.choice(["rullator", "dusjkrakk", "krykker", "rullestol", "toalettforhøyer"]),
            "municipality": municipality, "lent_at": iso(lent)})
        back = working_time(rng, lent + dt.timedelta(days=rng.randint(7, 90)))
        if back <= TODAY:
            out.event("aid_returned", back, record=rid)
    personalpartner_own(out, refs, emails)
    return out


def personalpartner_own(out, refs, emails):
    """Personalpartner's own data, each from a random stream of its own (so the rest of the data
    does not change): the employees' mailboxes, the calls on their phones, the camera recordings
    and the enquiries sent through the website."""
    rng = random.Random("vern-demo-personalpartner-own")
    # Employees' e-mail accounts; a few left in the last two years (employment_ended).
    for i in range(1, 31):
        p, ref = Person(rng, emails), f"ANSATT-{i:03d}"
        out.subject(ref)
        hired = working_time(rng, random_day(rng, local(2012, 1, 2), START))
        out.record(f"{ref}-epostkonto", ref, "mailbox", hired, {
            "name": p.name, "email": p.email, "department": rng.choice(["Moss", "Råde", "Våler"])})
        if rng.random() < 0.2:
            out.event("employment_ended", working_time(rng, random_day(rng, START, TODAY - dt.timedelta(days=1))),
                      subject=ref)
    # The last calls on the employees' phones over the last five months.
    for n in range(1, 301):
        t = any_time(rng, random_day(rng, add_months(TODAY, -5), TODAY - dt.timedelta(days=1)))
        if t >= TODAY:
            continue
        if rng.random() < 0.4:
            caller, person = rng.choice(refs)
            number = person.phone
        else:
            caller, number = f"TLF-{rng.randint(1, 400):04d}", rng.choice([mobile, landline])(rng)
        out.record(f"anrop-{n:05d}", caller, "recent_calls", t, {
            "number": number, "direction": rng.choice(["inn", "ut"]), "called_at": iso(t)})
    # Camera recordings of the last three weeks: buildings and cars outside working hours (each
    # night), and two rooms watched permanently (one recording a day).
    cameras = [("bygg-1", "bygninger utenom arbeidstid"), ("bygg-2", "bygninger utenom arbeidstid"),
               ("bil-1", "biler utenom arbeidstid"), ("rom-1", "rom med permanent overvåking"),
               ("rom-2", "rom med permanent overvåking")]
    for camera, area in cameras:
        ref = f"KAMERA-{camera.upper()}"
        out.subject(ref)
        for k in range(21, 0, -1):
            day = (TODAY - dt.timedelta(days=k)).date()
            t = local(day.year, day.month, day.day, 0 if camera.startswith("rom") else 18)
            out.record(f"opptak-{camera}-{day.isoformat()}", ref, "camera", t, {
                "camera": camera, "area": area, "recorded_at": iso(t)})
    # Enquiries through personalpartner.no, given with consent; a few consents withdrawn.
    for i in range(1, 61):
        p, ref = Person(rng, emails), f"WEB-{i:04d}"
        out.subject(ref)
        t = any_time(rng, random_day(rng, add_months(TODAY, -6), TODAY - dt.timedelta(days=1)))
        out.consent(ref, "nettstedet", given=t)
        fields = {"name": p.name, "email": p.email, "message": rng.choice([
            "Hvordan søker jeg om plass i AFT?", "Har dere ledige plasser i VTA?",
            "Jeg vil gjerne vite mer om arbeidsrettet rehabilitering."])}
        if rng.random() < 0.5:
            fields["phone"] = p.phone
        out.record(f"{ref}-henvendelse", ref, "website", t, fields)
        if rng.random() < 0.05:
            out.consent(ref, "nettstedet", withdrawn=t + dt.timedelta(days=rng.randint(1, 20)))


def personalpartner_measure(out, rng, ref, p, case, measure, created, end, sfx=""):
    """One measure (a case): notes and e-mails in Proplan, health data for ARR (with consent), and
    the events `measure_ended` and `left_measure` with the case. Returns when the participant left
    the measure (None if not, or not yet)."""
    newest = created
    t = created
    for k in range(rng.randint(1, 5)):
        t = working_time(rng, t + dt.timedelta(days=rng.randint(7, 45)))
        if t > min(end, TODAY):
            break
        out.record(f"{ref}-notat{sfx}-{k + 1}", ref, "case_note", t, {
            "kind": rng.choice(["notat", "rapport til Nav"]), "text": rng.choice(
                ["Samtale om arbeidsutprøving.", "Deltaker trives i arbeidspraksis.",
                 "Plan for neste periode avtalt."]), "written_at": iso(t)}, case=case)
        newest = t
        if rng.random() < 0.5:
            out.record(f"{ref}-epost{sfx}-{k + 1}", ref, "email", t + dt.timedelta(hours=1), {
                "counterpart": rng.choice([p.email, "veileder@nav.example.no"]),
                "subject": rng.choice(["Oppmøte", "Timeavtale", "Status i tiltaket"]),
                "body": "Hei, vi bekrefter avtalen for neste uke.", "sent_at": iso(t + dt.timedelta(hours=1))}, case=case)
            newest = t + dt.timedelta(hours=1)
    if measure == "ARR":
        out.consent(ref, "helseopplysninger_arr", given=created)
        withdrawn = working_time(rng, created + dt.timedelta(days=rng.randint(10, 60)))
        if rng.random() < 0.1 and withdrawn < TODAY:
            out.consent(ref, "helseopplysninger_arr", withdrawn=withdrawn)
        else:
            out.record(f"{ref}-helse{sfx}", ref, "health", created + dt.timedelta(days=5), {
                "text": rng.choice(["Tåler ikke tunge løft.", "Sykmeldt 50 %.", "Trenger tilrettelagt arbeidstid."]),
                "from_doctor": True, "received_at": iso(created + dt.timedelta(days=5))}, case=case)
            newest = max(newest, created + dt.timedelta(days=5))
    if end <= TODAY:
        out.event("measure_ended", end, subject=ref, case=case)
        if rng.random() < 0.9:
            # Never before the measure's newest record: a case waits for an event at or after it.
            left = max(working_time(rng, end + dt.timedelta(days=rng.randint(0, 14))),
                       newest + dt.timedelta(minutes=30))
            if left <= TODAY:
                out.event("left_measure", left, subject=ref, case=case)
                return left
    return None


GENERATORS = {
    "karrieresenter-telemark-2019": gen_telemark_2019,
    "karrieresenter-telemark": gen_telemark,
    "karriereveiledning-no": gen_karriereveiledning,
    "joblearn": gen_joblearn,
    "personalpartner": gen_personalpartner,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "data"), help="output directory")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, gen in GENERATORS.items():
        out = gen(random.Random(f"vern-demo-{name}"))
        path = os.path.join(args.out, f"{name}.jsonl")
        out.write(path)
        print(f"{path}: {len(out.lines)} lines")


if __name__ == "__main__":
    main()
