#!/usr/bin/env bash
# Runs every test of SMTPCR, the same way CI does.
#
# Installs the Debian packages the integration tests talk to (only what is missing, so a rerun is
# fast), then builds and runs all tests with -Dsmtpcr.it.required=true: a test whose real peer
# (PostgreSQL, Postfix, Chromium, swaks, dnsmasq, ...) is missing fails instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

# postgresql: JDBC store tests; chromium: the challenge page in a real browser; swaks: a real SMTP
# client; postfix + postgrey: the policy server against a real Postfix, measured against Postgrey;
# dnsmasq-base: an authoritative DNS server for the SPF, DKIM and DMARC tests; dovecot-core: SASL
# authentication for the Postfix submission service the outbound-learning tests use; podman: loads
# the container image (-P image) as users will.
# default-jre-headless, man-db, systemd: scripts/test-package.sh installs the Debian package (which
# depends on a Debian Java runtime), reads its man page and checks its units with systemd-analyze.
# nodejs (and npm, below): installs axe-core, the accessibility checker the page's browser tests run.
packages=(postgresql chromium swaks postfix postgrey dnsmasq-base dovecot-core podman
  default-jre-headless man-db systemd nodejs)

missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
done
# Debian ships npm as a package of its own; other builds of nodejs bring it (and conflict with it)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "Installing Debian packages: ${missing[*]}"
  # The tests start their own private servers; the packages' system services must not start
  # (a policy-rc.d that exits 101 tells the maintainer scripts so).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo_cmd[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${sudo_cmd[@]}" chmod 755 /usr/sbin/policy-rc.d
    trap '"${sudo_cmd[@]}" rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  # Postfix would otherwise ask how to configure the system instance.
  "${sudo_cmd[@]}" debconf-set-selections <<'DEB'
postfix postfix/main_mailer_type select Local only
postfix postfix/mailname string localhost
postfix postfix/destinations string localhost
DEB
  apt_opts=(-y -q -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  "${sudo_cmd[@]}" apt-get -q -o DPkg::Lock::Timeout=600 update >/dev/null
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# The James 3.9 tests (smtpcr-examples/james-jakarta) need a Java 21 or later JVM, James 3.9's jars
# being Java 21 class files: the newest one under /usr/lib/jvm (or $SMTPCR_JAVA21, a bin/java).
# Without one, -Dsmtpcr.it.required=true makes the build fail rather than skip them.
java21=("${SMTPCR_JAVA21:-}")
if [ -z "${java21[0]}" ]; then
  java21=()
  best=0
  for java in /usr/lib/jvm/*/bin/java; do
    [ -x "$java" ] || continue
    spec=$("$java" -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p')
    if [ -n "$spec" ] && [ "$spec" -ge 21 ] && [ "$spec" -gt "$best" ]; then
      best=$spec
      java21=("$java")
    fi
  done
fi
java21_opt=()
if [ "${#java21[@]}" -gt 0 ]; then
  echo "James 3.9 tests run on ${java21[0]}"
  java21_opt=("-Dsmtpcr.java21=${java21[0]}")
else
  echo "No Java 21 or later JVM under /usr/lib/jvm: the James 3.9 tests cannot run" >&2
fi

# axe-core, from its npm package, for the challenge page's accessibility tests: installed once
# (pinned) into .cache/axe; its axe.min.js goes to the tests as -Dsmtpcr.axe
axe_js=$(scripts/install-axe.sh)

# -P release: also the sources and javadoc jars (doclint on) of every published module and
# target/central-bundle.zip, unsigned here (docs/releasing.md), so a release cannot find them broken;
# -P image: the container image, built without Docker and run by ContainerImageIT (docs/container.md);
# Jib's copy of each new base image goes to target/, not ~/.cache (Jib reads these on the command line)
jib_opts=(-Djib.baseImageCache="$PWD/smtpcr-examples/image/target/jib-base-cache" -Djib.disableUpdateChecks=true)
mvn -B -ntp -P release,image verify -Dsmtpcr.it.required=true "-Dsmtpcr.axe=$axe_js" "${jib_opts[@]}" \
  "${java21_opt[@]}" "$@"

# The Debian package: built again from the smtpcr.jar just made (offline: the build above fetched
# its plugins), installed, run, purged, reinstalled and upgraded; the machine is left without it.
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" scripts/test-package.sh -o
