#!/usr/bin/env bash
# Installs axe-core, the accessibility checker of the challenge page's browser tests
# (ChallengePageAccessibilityTest), from its npm package into .cache/axe (ignored by git), and prints
# the path of its axe.min.js, which the tests take as -Dsmtpcr.axe=<path>. The version is pinned; a
# rerun with that version in place installs nothing and needs no network. Needs node and npm.
#
#   mvn -B -ntp -pl smtpcr-examples/web -am test -Dsmtpcr.axe="$(scripts/install-axe.sh)" ...
set -euo pipefail
cd "$(dirname "$0")/.."

version=4.14.1
dir="$PWD/.cache/axe"
js="$dir/node_modules/axe-core/axe.min.js"
installed=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$dir/node_modules/axe-core/package.json" 2>/dev/null || true)
if [ "$installed" != "$version" ] || [ ! -s "$js" ]; then
  echo "Installing axe-core $version into $dir" >&2
  mkdir -p "$dir"
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$dir" "axe-core@$version" >&2
fi
echo "$js"
