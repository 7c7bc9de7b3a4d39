#!/usr/bin/env python3
"""JSON Lines for the kill-point tests (tests/fault/test_kill_points.sh), under the policy
policies/karrieresenter-telemark: one subject REF with N records (mailbox mail, bookings with
their appointment_held events, session registrations and notes), so that erasing it, or purging a
store holding it, is one long transaction or many batches.

    gen_big_subject.py REF N [SEED]
"""
import random
import sys

ref, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 11)
print('{"type":"subject","ref":"%s"}' % ref)
for i in range(n):
    day = 1 + i % 28
    month = 1 + (i // 28) % 12
    created = "2025-%02d-%02dT%02d:%02d:00+01:00" % (month, day, 8 + i % 9, i % 60)
    kind = i % 4
    rid = "%s-%05d" % (ref, i)
    if kind == 0:
        print('{"type":"record","id":"%s","subject":"%s","category":"mailbox","created":"%s",'
              '"fields":{"from":"big.%d@example.no","subject":"Sak %d","body":"%s",'
              '"received_at":"%s"}}' % (rid, ref, created, i, i,
                                        "Hei! " * rnd.randint(5, 60), created))
    elif kind == 1:
        print('{"type":"record","id":"%s","subject":"%s","category":"booking","created":"%s",'
              '"fields":{"name":"Stor Person","email":"big.%d@example.no","phone":"+47 400 %05d",'
              '"appointment_at":"%s","duration_min":45,"reason":"jobb","mode":"video",'
              '"location":"Skien"}}' % (rid, ref, created, i, i, created))
        print('{"type":"event","record":"%s","kind":"appointment_held","at":"%s"}' % (rid, created))
    elif kind == 2:
        print('{"type":"record","id":"%s","subject":"%s","category":"session_registration",'
              '"created":"%s","fields":{"name":"Stor Person","gender":"kvinne","age_group":"30-39",'
              '"education":"bachelor","occupation":"arbeid","immigrant":false,"session_at":"%s",'
              '"duration_min":60,"channel":"video","topic":"CV","municipality":"Skien"}}'
              % (rid, ref, created, created))
    else:
        print('{"type":"record","id":"%s","subject":"%s","category":"session_notes","created":"%s",'
              '"fields":{"text":"%s","session_at":"%s"}}'
              % (rid, ref, created, "Notat. " * rnd.randint(3, 40), created))
print('{"type":"event","subject":"%s","kind":"last_session","at":"2026-01-15T10:00:00+01:00"}' % ref)
