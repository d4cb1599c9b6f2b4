#!/usr/bin/env bash
# Start a PostgreSQL server for the database tests and print the export line for its URI.
# Needs root and Debian's packages; anything else makes the PostgreSQL tests skip (with a reason).
set -euo pipefail
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "echo 'PostgreSQL: not root on Debian; its tests will skip' >&2"
  exit 0
fi
if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  pg_createcluster "$version" main >&2
fi
pg_ctlcluster "$version" main start >&2 2>/dev/null || true
for _ in $(seq 1 30); do
  su postgres -c "pg_isready -q" && break
  sleep 1
done
su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname = 'refcheck'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE refcheck LOGIN PASSWORD 'refcheck'\"" >&2
su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname = 'refcheck'\"" | grep -q 1 ||
  su postgres -c "createdb -O refcheck refcheck" >&2
echo "export REFCHECK_TEST_POSTGRES=postgresql://refcheck:refcheck@127.0.0.1/refcheck"
