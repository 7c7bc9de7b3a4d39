#!/usr/bin/env bash
# with_cluster.sh CMD...: runs CMD with the test cluster's settings (the file VERN_TEST_PG_ENV
# written by tests/pg/cluster.sh start) in its environment, VERN_TEST_PG among them. Fails,
# without running CMD, when there is no cluster: the PostgreSQL tests never skip silently.
set -euo pipefail
if [ -z "${VERN_TEST_PG_ENV:-}" ] || [ ! -r "$VERN_TEST_PG_ENV" ]; then
    echo "with_cluster.sh: no test cluster: VERN_TEST_PG_ENV (${VERN_TEST_PG_ENV:-unset}) does not" \
        "name the env file of 'tests/pg/cluster.sh start DIR'" >&2
    exit 1
fi
set -a
# shellcheck disable=SC1090
. "$VERN_TEST_PG_ENV"
set +a
exec "$@"
