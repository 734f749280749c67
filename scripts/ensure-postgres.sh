#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is installed but not running (tests use it for real).
set -euo pipefail
if [ "${SIGNAALROUTE_SKIP_POSTGRES:-}" = "1" ]; then
  exit 0
fi
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  exit 0
fi
if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && exit 0
    sleep 1
  done
fi
echo "PostgreSQL is not reachable at 127.0.0.1:5432; the tests need it (or set SIGNAALROUTE_SKIP_POSTGRES=1)." >&2
exit 1
