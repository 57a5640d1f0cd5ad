#!/usr/bin/env bash
# Runs every test of SMTPCR, the same way CI does.
#
# Installs the Debian packages the integration tests talk to (only what is missing, so a rerun is
# fast), then builds and runs all tests with -Dsmtpcr.it.required=true: a test whose real peer
# (PostgreSQL, Postfix, Chromium, ...) is missing fails instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(postgresql chromium swaks)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "Installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

exec mvn -B -ntp verify -Dsmtpcr.it.required=true "$@"
