# The PostgreSQL store's own promises (vern-store(5), PostgreSQL): connection strings and
# passwords, the writer lock across processes, readers and access reports during a purge, a
# connection dropped in the middle of a purge, and what VACUUM leaves in the table files.
# PostgreSQL only: on the SQLite run it has nothing to test.
source "$(dirname "$0")/lib.sh"
set -e
if on_sqlite; then
    echo "ok (PostgreSQL only)"
    exit 0
fi
# the cluster's TCP address and password role (tests/pg/cluster.sh)
[ -n "${VERN_TEST_PG_TCP:-}" ] || . "$VERN_TEST_PG_ENV"

cat >policy.toml <<'EOF'
[policy]
name = "Concurrency test"
controller = "Test AS"
contact = "personvern@example.no"
timezone = "Europe/Oslo"

[identifiers]
email = ["email"]

[[category]]
id = "chat"
title = "Chat"
purpose = "Guidance"
legal_basis = "public_task"

[[rule]]
id = "chat-30d"
category = "chat"
after = "created"
keep = "30d"
action = "delete"
EOF
export VERN_POLICY=$TMP/policy.toml

# gen N FILE: N chat records of 1000 subjects, half of them old enough to be due on 2027-01-01.
gen() {
    python3 - "$1" >"$2" <<'EOF'
import json, sys
n = int(sys.argv[1])
for i in range(n):
    created = "2026-01-%02dT10:00:00+01:00" % (1 + i % 28) if i % 2 == 0 else "2026-12-20T10:00:00+01:00"
    print(json.dumps({"type": "record", "id": "c-%d" % i, "subject": "S%d" % (i % 1000),
                      "category": "chat", "created": created,
                      "fields": {"email": "s%d@example.no" % (i % 1000), "text": "MARKER%07d" % i}}))
EOF
}
NOW=2027-01-01T00:00:00Z
N=60000
gen $N big.jsonl

# lock_holder STORE_SCHEMA: the pid of the backend holding the store's writer lock, or nothing.
lock_holder() {
    pg_psql -c "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
                AND classid = 1986359918
                AND objid = (hashtext('$1')::bigint & 4294967295)::text::oid"
}
# wait_for_lock SCHEMA: until a vern run holds the writer lock (at most 30 s).
wait_for_lock() {
    local i
    for i in $(seq 300); do
        [ -n "$(lock_holder "$1")" ] && return 0
        sleep 0.1
    done
    fail "no vern run took the writer lock of $1"
    return 1
}
# a fresh store with the big data set
big_store() { # PATH
    VERN_STORE=$1 vern init
    expect_rc 0
    VERN_STORE=$1 vern ingest big.jsonl
    expect_rc 0
}

test_case "a password in the store string is refused, exit 77, and never echoed"
vern --store "postgresql://vern_test:hunter2secret@127.0.0.1/vern_test" status
expect_rc 77
expect_err_contains "holds a password"
grep -q hunter2secret <<<"$ERR$OUT" && fail "the password was echoed: $ERR"
vern --store "$VERN_TEST_PG password=hunter2secret schema=x" status
expect_rc 77
grep -q hunter2secret <<<"$ERR$OUT" && fail "the password was echoed: $ERR"
VERN_STORE="$VERN_TEST_PG password='hunter2 secret' schema=x" vern init
expect_rc 77
grep -q hunter2 <<<"$ERR$OUT" && fail "the password was echoed: $ERR"

test_case "a wrong password is exit 77 and never echoed; the right one from PGPASSWORD works"
PW_STORE="$VERN_TEST_PG_TCP user=$VERN_TEST_PG_PW_USER schema=t_pw_$$"
echo "t_pw_$$" >>"$VERN_TEST_PG_SCHEMAS"
PGPASSWORD=wrongpassword42 vern --store "$PW_STORE" init
expect_rc 77
expect_err_contains "password authentication failed"
grep -q wrongpassword42 <<<"$ERR$OUT" && fail "the password was echoed: $ERR"
PGPASSWORD=$VERN_TEST_PG_PW_PASSWORD vern --store "$PW_STORE" init
expect_rc 0
expect_out_contains "created store"
# and from a password file (~/.pgpass format)
host_port=$(sed -n 's/.*host=\([^ ]*\) port=\([^ ]*\).*/\1:\2/p' <<<"$VERN_TEST_PG_TCP")
printf '%s:vern_test:%s:%s\n' "$host_port" "$VERN_TEST_PG_PW_USER" "$VERN_TEST_PG_PW_PASSWORD" >pgpass
chmod 600 pgpass
PGPASSFILE=$TMP/pgpass vern --store "$PW_STORE" status
expect_rc 0

test_case "bad connection strings: a clear error, exit 74 (66 for a missing database)"
vern --store "host=/nonexistent-dir port=1 dbname=vern_test schema=x" status
expect_rc 74
expect_err_contains "cannot connect to store"
vern --store "postgresql://127.0.0.1:1/vern_test" status
expect_rc 74
vern --store "host=x port= 'unterminated" status
expect_rc 74
expect_err_contains "not a valid PostgreSQL connection string"
vern --store "$VERN_TEST_PG dbname=no_such_database_$$" status
expect_rc 66
expect_err_contains "does not exist"
vern --store "$VERN_TEST_PG schema=BadName" status
expect_rc 2
vern --store "$VERN_TEST_PG schema=never_created_$$" status
expect_rc 66
expect_err_contains "run 'vern init"

test_case "another host holding the writer lock: purge exits 75 after --lock-timeout, changing nothing"
big_store a.db
SA=$(pg_schema_for a.db)
before=$(sql a.db "SELECT count(*) FROM records")
# Another vern run elsewhere holds the lock (a psql session stands in for it) for 5 s.
pg_psql -c "SELECT pg_advisory_lock(1986359918, hashtext('$SA')); SELECT pg_sleep(5)" >/dev/null &
holder=$!
wait_for_lock "$SA"
VERN_STORE=a.db vern purge --now $NOW --lock-timeout 1
expect_rc 75
expect_err_contains "locked by another vern run"
[ "$(sql a.db "SELECT count(*) FROM records")" = "$before" ] || fail "the locked purge changed the store"
wait $holder || true

test_case "two purges at once from two processes: one runs, the other exits 75"
# Batches of 10: the purge must outlast the readers of the next case (it did not at 25 once a
# batch's pending subjects were no longer looked up, under ctest -j2).
VERN_STORE=a.db "$VERN" purge --now $NOW --batch-size 10 --no-progress >p1.out 2>p1.err &
p1=$!
wait_for_lock "$SA"
VERN_STORE=a.db vern purge --now $NOW --lock-timeout 0
expect_rc 75
kill -0 $p1 2>/dev/null || fail "the first purge ended before the second was refused (make it longer)"

test_case "a report, plan and status during the purge are not blocked"
t0=$(date +%s)
VERN_STORE=a.db vern access --subject S7
expect_rc 0
expect_out_contains "S7"
VERN_STORE=a.db vern status
expect_rc 0
VERN_STORE=a.db vern plan --now $NOW
expect_rc 0
kill -0 $p1 2>/dev/null || fail "the purge ended before the readers ran (make it longer)"
t1=$(date +%s)
[ $((t1 - t0)) -lt 20 ] || fail "readers took $((t1 - t0)) s during the purge"
set +e
wait $p1
rc=$?
set -e
[ $rc -eq 0 ] || fail "the first purge exited $rc: $(cat p1.err)"
[ "$(sql a.db "SELECT count(*) FROM records")" = $((N / 2)) ] || fail "after the purge: $(sql a.db "SELECT count(*) FROM records") records"
VERN_STORE=a.db vern audit verify
expect_rc 0
# the access report is in the chain, between the purge's batches
[ "$(sql a.db "SELECT count(*) FROM audit WHERE command = 'access'")" -ge 1 ] || fail "the report was not audited"

test_case "the connection dropped in the middle of a purge: rerun finishes, nothing lost, audit intact"
big_store b.db
big_store ref.db
SB=$(pg_schema_for b.db)
VERN_STORE=ref.db vern purge --now $NOW --batch-size 100
expect_rc 0
VERN_STORE=b.db "$VERN" purge --now $NOW --batch-size 100 --no-progress >p2.out 2>p2.err &
p2=$!
wait_for_lock "$SB"
# let some batches commit, then kill the purge's backend
for i in $(seq 200); do
    n=$(sql b.db "SELECT count(*) FROM audit WHERE action = 'delete'")
    [ "$n" -gt 2 ] && break
    sleep 0.05
done
pid=$(lock_holder "$SB")
[ -n "$pid" ] && pg_psql -c "SELECT pg_terminate_backend($pid)" >/dev/null
set +e
wait $p2
rc=$?
set -e
[ $rc -ne 0 ] || fail "the purge whose connection was killed exited 0"
grep -q "connection to the server was lost\|terminating connection" p2.err ||
    fail "no clear message for the lost connection: $(cat p2.err)"
grep -q MARKER p2.err && fail "record data in the error message"
mid=$(sql b.db "SELECT count(*) FROM records")
[ "$mid" -lt $N ] && [ "$mid" -gt $((N / 2)) ] || fail "expected a half-done purge, $mid records left"
VERN_STORE=b.db vern audit verify
expect_rc 0
VERN_STORE=b.db vern purge --now $NOW
expect_rc 0
[ "$(sql b.db "SELECT string_agg(id, ',' ORDER BY id) FROM records")" = \
  "$(sql ref.db "SELECT string_agg(id, ',' ORDER BY id) FROM records")" ] ||
    fail "the resumed purge left other records than an uninterrupted one"
[ "$(sql b.db "SELECT sum(count) FROM audit WHERE action = 'delete'")" = $((N / 2)) ] ||
    fail "deletions audited: $(sql b.db "SELECT sum(count) FROM audit WHERE action = 'delete'")"
VERN_STORE=b.db vern audit verify
expect_rc 0

test_case "purge --vacuum: no deleted value is left in the table or index files"
VERN_STORE=c.db vern init
gen 3000 small.jsonl
VERN_STORE=c.db vern ingest small.jsonl
# value_in_files TEXT: how many of the schema's table and index files hold TEXT (after a
# CHECKPOINT writes the shared buffers out)
SC=$(pg_schema_for c.db)
value_in_files() {
    pg_psql -c "CHECKPOINT" >/dev/null
    pg_psql -c "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '$SC' AND c.relkind IN ('r', 'i', 't')
                AND position(convert_to('$1', 'UTF8') IN
                             pg_read_binary_file(pg_relation_filepath(c.oid))) > 0"
}
# purge_vacuum_until_gone TEXT: `vern purge --vacuum` until TEXT is in none of the files. VACUUM
# FULL keeps a deleted row that an open snapshot of another session can still see (man
# vern-store(5)); the other tests of a parallel ctest run share this database and may hold one
# for a moment (and may have let it go by the time this looks), so the run is repeated, as an
# operator would, at most 30 times (a minute). Returns 1 if TEXT stays.
purge_vacuum_until_gone() {
    local i
    for ((i = 0; i < 30; i++)); do
        VERN_STORE=c.db vern purge --now $NOW --vacuum
        expect_rc 0
        [ "$(value_in_files "$1")" != 0 ] || return 0
        sleep 2
    done
    return 1
}
[ "$(value_in_files MARKER0000000)" -ge 1 ] || fail "the marker is not in the files to begin with"
purge_vacuum_until_gone MARKER0000000 || fail "a deleted value is still in the table files"
[ "$(sql c.db "SELECT count(*) FROM records WHERE id = 'c-0'")" = 0 ] || fail "c-0 not deleted"
[ "$(value_in_files MARKER0000001)" -ge 1 ] || fail "a kept value is missing from the files"
# and an erasure: the subject's identifier rows go from the index too
VERN_STORE=c.db vern erase --subject S1 --reason "test"
expect_rc 0
purge_vacuum_until_gone s1@example.no || fail "an erased e-mail address is still in the files"

finish
