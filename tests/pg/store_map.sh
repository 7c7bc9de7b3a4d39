# How the tests name stores on PostgreSQL (sourced by tests/cli/lib.sh and tests/pg/vern_pg.sh).
# A store path PATH (an SQLite file name in the scripts) becomes the PostgreSQL store
#   "$VERN_TEST_PG schema=t_<first 12 hex digits of the SHA-256 of PATH made absolute>"
# so that every path a script uses is its own schema in the test database.

# is_pg_store STORE: STORE is already a PostgreSQL store string (URI or libpq key/value).
is_pg_store() {
    case $1 in
        postgresql://* | postgres://*) return 0 ;;
    esac
    [[ $1 =~ ^[[:space:]]*[A-Za-z_]+[[:space:]]*= ]]
}

# pg_schema_for PATH: the schema a store path maps to.
pg_schema_for() {
    local abs
    abs=$(realpath -m -- "$1")
    printf 't_%s' "$(printf '%s' "$abs" | sha256sum | cut -c1-12)"
}

# pg_store_for PATH: the PostgreSQL store string for PATH; empty values and PostgreSQL store
# strings are returned unchanged. Records the schema in $VERN_TEST_PG_SCHEMAS (for the cleanup).
pg_store_for() {
    if [ -z "$1" ] || is_pg_store "$1"; then
        printf '%s' "$1"
        return
    fi
    local schema
    schema=$(pg_schema_for "$1")
    [ -z "${VERN_TEST_PG_SCHEMAS:-}" ] || echo "$schema" >>"$VERN_TEST_PG_SCHEMAS"
    printf '%s schema=%s' "$VERN_TEST_PG" "$schema"
}
