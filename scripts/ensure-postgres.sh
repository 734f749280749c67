#!/usr/bin/env bash
# Start the local PostgreSQL cluster if it is installed but not running (tests use it for real).
set -euo pipefail
# Under CI (CI set to anything but empty/0/false/no) every test must run: skipping is refused.
case "$(printf '%s' "${CI:-}" | tr '[:upper:]' '[:lower:]')" in
  ""|0|false|no) in_ci=0 ;;
  *) in_ci=1 ;;
esac
if [ "${SIGNAALROUTE_SKIP_POSTGRES:-}" = "1" ]; then
  if [ "$in_ci" = "1" ]; then
    echo "SIGNAALROUTE_SKIP_POSTGRES=1 is refused under CI: the PostgreSQL tests must run there." >&2
    exit 1
  fi
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
echo "PostgreSQL is not reachable at 127.0.0.1:5432; the tests need it (outside CI: or set SIGNAALROUTE_SKIP_POSTGRES=1)." >&2
exit 1
