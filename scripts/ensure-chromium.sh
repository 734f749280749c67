#!/usr/bin/env bash
# The browser tests drive Debian's chromium (never a browser download); install it if missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "The browser tests need /usr/bin/chromium: run 'sudo apt-get install chromium'." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
