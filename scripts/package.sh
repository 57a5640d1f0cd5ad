#!/usr/bin/env bash
# Builds the Debian package dist/smtpcr_VERSION_all.deb (module smtpcr-examples/debian, jdeb).
#
#   scripts/package.sh [MAVEN_ARGS...]     e.g. -o, or -Dsmtpcr.deb.versionSuffix=+local1
#
# smtpcr-examples/cli/target/smtpcr.jar is built first (with the modules it is made of, tests
# skipped) when it is missing or older than a source file or pom of those modules, as ./smtpcr
# does; otherwise the package is made from that jar alone. Needs a JDK 17+ and Maven (or ./mvnw),
# and gzip; no Debian tool: the package is assembled in Java.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mvn_cmd=${MVN:-mvn}
command -v "$mvn_cmd" >/dev/null 2>&1 || mvn_cmd=./mvnw

jar=smtpcr-examples/cli/target/smtpcr.jar
# what the jar is made of (the list ./smtpcr keeps)
inputs=(pom.xml smtpcr-tokens smtpcr-core smtpcr-auth smtpcr-examples/pom.xml smtpcr-examples/runtime
  smtpcr-examples/web smtpcr-examples/smtp-server smtpcr-examples/policy-server smtpcr-examples/cli)
stale=
if [ -f "$jar" ]; then
  stale=$(find "${inputs[@]}" -path '*/target' -prune -o -type f \( -name pom.xml -o -path '*/src/*' \) \
    -newer "$jar" -print -quit 2>/dev/null || true)
fi

if [ ! -f "$jar" ] || [ -n "$stale" ]; then
  echo "package.sh: building $jar and the package" >&2
  modules=smtpcr-examples/cli,smtpcr-examples/debian
  also=(-am)
else
  echo "package.sh: packaging $jar (up to date)" >&2
  modules=smtpcr-examples/debian
  also=()
fi
# only the package this build makes is left there to copy
rm -f smtpcr-examples/debian/target/smtpcr_*_all.deb
# Maven writes to standard error: standard output is the path of the package alone
"$mvn_cmd" -B -ntp -q -pl "$modules" "${also[@]}" package -DskipTests "$@" >&2

debs=(smtpcr-examples/debian/target/smtpcr_*_all.deb)
[ -f "${debs[0]}" ] || { echo "package.sh: the build made no .deb" >&2; exit 1; }
mkdir -p dist
cp "${debs[0]}" dist/
echo "dist/$(basename "${debs[0]}")"
