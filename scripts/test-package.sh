#!/usr/bin/env bash
# Proves the Debian package on this machine: builds it (scripts/package.sh), installs it, runs
# /usr/bin/smtpcr, verifies the systemd units and a man page, starts the policy server as the
# smtpcr user the way its unit does and has it answer one Postfix policy request, purges the
# package and checks that nothing of it is left, then installs it again, adds a whitelist entry,
# upgrades to a higher version and checks that the key and the entry are kept. The package is
# purged at the end, whatever happens, so the machine is left as it was.
#
#   scripts/test-package.sh [MAVEN_ARGS...]      (as root, on Debian; scripts/test.sh runs it)
#
# Needs dpkg, systemd (for systemd-analyze; it need not be running), man-db, and a Java 17+ runtime
# that satisfies the package's Depends (default-jre-headless or an openjdk-17+-jre-headless), which
# scripts/test.sh installs. Refuses to run where a package or user named smtpcr exists.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { echo "test-package: $*"; }
fail() {
  echo "test-package: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "run as root: it installs and purges the package"
if dpkg-query -W -f '${Status}' smtpcr 2>/dev/null | grep -qv 'not-installed'; then
  fail "a package smtpcr is on this machine; this test would purge it: remove it first"
fi
getent passwd smtpcr >/dev/null && fail "a user smtpcr exists; this test would delete it"
for tool in dpkg systemd-analyze man runuser; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/test.sh installs what is needed)"
done

work=$(mktemp -d)
server_pid=
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    pkill -TERM -P "$server_pid" 2>/dev/null || true
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if dpkg-query -W -f '${Status}' smtpcr 2>/dev/null | grep -qv 'not-installed'; then
    dpkg --purge smtpcr >/dev/null 2>&1 || echo "test-package: could not purge smtpcr" >&2
  fi
  rm -rf "$work"
  [ "$rc" -eq 0 ] || echo "test-package: failed (exit $rc)" >&2
}
trap cleanup EXIT

# a systemd service's clean environment, plus the variables the unit's EnvironmentFile sets
service_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
  HOME=/var/lib/smtpcr)
as_smtpcr() {
  (cd /var/lib/smtpcr && runuser -u smtpcr -- "${service_env[@]}" "$@")
}
installed() { [ "$(dpkg-query -W -f '${Status}' smtpcr 2>/dev/null)" = "install ok installed" ]; }
mode_owner() { stat -c '%a %U' "$1"; }
mode_owners() { stat -c '%a %U:%G' "$1"; }

# 1. build: the jar the Maven build made is reused when it is up to date
say "building the package"
first=$(scripts/package.sh "$@" | tail -n 1)
[ -f "$first" ] || fail "scripts/package.sh made no package ($first)"
version=$(dpkg-deb -f "$first" Version)
say "built $first (version $version)"
for field in Depends Section Priority Maintainer Homepage Description; do
  [ -n "$(dpkg-deb -f "$first" "$field")" ] || fail "the control file has no $field"
done

# 2. install
dpkg -i "$first" >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log" >&2
  fail "dpkg -i $first"
}
installed || fail "smtpcr is not installed after dpkg -i"
dpkg -L smtpcr | sort >"$work/files"
for f in /usr/bin/smtpcr /usr/share/smtpcr/smtpcr.jar /usr/share/smtpcr/jvm.options \
  /usr/share/smtpcr/policy-server.jvm.options /usr/share/smtpcr/web.jvm.options \
  /usr/share/smtpcr/smtp-server.jvm.options \
  /etc/smtpcr/smtpcr.properties /etc/default/smtpcr /lib/systemd/system/smtpcr-policy.service \
  /lib/systemd/system/smtpcr-web.service /lib/systemd/system/smtpcr-smtp.service \
  /usr/share/man/man1/smtpcr.1.gz /usr/share/man/man1/smtpcr-policy-server.1.gz \
  /usr/share/bash-completion/completions/smtpcr /usr/share/doc/smtpcr/copyright \
  /usr/share/doc/smtpcr/NOTICE /usr/share/doc/smtpcr/changelog.gz; do
  grep -qx "$f" "$work/files" || fail "the package has no $f"
  [ -e "$f" ] || fail "$f was not installed"
done
conffiles=$(dpkg-query -W -f '${Conffiles}' smtpcr)
for f in /etc/smtpcr/smtpcr.properties /etc/default/smtpcr; do
  grep -q " $f " <<<"$conffiles" || fail "$f is not a conffile"
done
getent passwd smtpcr | grep -q ':/var/lib/smtpcr:/usr/sbin/nologin$' || fail "no system user smtpcr"
[ "$(mode_owner /var/lib/smtpcr)" = "700 smtpcr" ] || fail "/var/lib/smtpcr is $(mode_owner /var/lib/smtpcr)"
[ "$(mode_owner /var/lib/smtpcr/smtpcr.keys)" = "600 smtpcr" ] ||
  fail "the key is $(mode_owner /var/lib/smtpcr/smtpcr.keys)"
[ "$(mode_owners /etc/smtpcr/smtpcr.properties)" = "640 root:smtpcr" ] ||
  fail "the configuration file is $(mode_owners /etc/smtpcr/smtpcr.properties)"
# a user outside the group smtpcr may still run the command (without the settings, and warned)
(cd / && runuser -u nobody -- /usr/bin/smtpcr --version) >"$work/nobody.log" 2>&1 || {
  cat "$work/nobody.log" >&2
  fail "smtpcr --version as nobody"
}
grep -q 'cannot read /etc/smtpcr/smtpcr.properties' "$work/nobody.log" ||
  fail "no warning about the unreadable settings for nobody: $(cat "$work/nobody.log")"
grep -q '^#challenge-base=https://cr.example.com/$\|^#smtpcr.policy-server.challenge-base=https://cr.example.com/$' \
  /etc/smtpcr/smtpcr.properties || fail "the configuration file has no commented challenge-base"
say "installed: files, conffiles, the smtpcr user, /var/lib/smtpcr and its key (600) are as they should be"

# 3. the command
out=$(/usr/bin/smtpcr --version) || fail "/usr/bin/smtpcr --version failed"
grep -q '^smtpcr ' <<<"$out" || fail "/usr/bin/smtpcr --version said: $out"
say "/usr/bin/smtpcr --version: $(head -n 1 <<<"$out")"
bash -c '. /usr/share/bash-completion/completions/smtpcr && complete -p smtpcr' >/dev/null ||
  fail "the bash completion defines no completion for smtpcr"

# 4. the units: systemd's own check, which also looks for ExecStart's program and the man pages
#    the units name; any line about our units fails the test
for unit in smtpcr-policy smtpcr-web smtpcr-smtp; do
  file=/lib/systemd/system/$unit.service
  if ! systemd-analyze verify "$file" >"$work/verify.log" 2>&1 ||
    grep -q "$unit" "$work/verify.log"; then
    cat "$work/verify.log" >&2
    fail "systemd-analyze verify $file"
  fi
  [ -s "$work/verify.log" ] && say "systemd-analyze verify $unit (about other units): $(cat "$work/verify.log")"
  grep -qx 'User=smtpcr' "$file" || fail "$unit does not run as smtpcr"
  grep -qx 'SuccessExitStatus=143' "$file" || fail "$unit has no SuccessExitStatus=143"
  grep -qx "SyslogIdentifier=$unit" "$file" || fail "$unit has no SyslogIdentifier=$unit"
  grep -q '^MemoryDenyWriteExecute' "$file" && fail "$unit has MemoryDenyWriteExecute (the JIT needs W+X)"
done
say "systemd-analyze verify: the three units pass"

# 5. a man page
man -P cat smtpcr-policy-server 2>/dev/null >"$work/man.txt" || fail "man smtpcr-policy-server failed"
grep -q 'Run the Postfix policy server' "$work/man.txt" || fail "man smtpcr-policy-server shows no page"
grep -q -- '--challenge-base' "$work/man.txt" || fail "man smtpcr-policy-server names no --challenge-base"
say "man smtpcr-policy-server: $(grep -c '' "$work/man.txt") lines"

# 6. the policy server, as its unit starts it (its User, WorkingDirectory, ExecStart, and the
#    variables of /etc/default/smtpcr, where $SMTPCR_POLICY_OPTS is not set), configured as an
#    administrator does, in /etc/smtpcr/smtpcr.properties: a free port, the page's address, and
#    no SPF (no DNS here)
unit=/lib/systemd/system/smtpcr-policy.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
[ "$(sed -n 's/^WorkingDirectory=//p' "$unit")" = /var/lib/smtpcr ] || fail "unexpected WorkingDirectory"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
  shuf -i 20000-60000 -n 1)
printf '%s\n' "smtpcr.policy-server.listen=127.0.0.1:$port" challenge-base=https://cr.example.com/ \
  spf=off >>/etc/smtpcr/smtpcr.properties
SMTPCR_POLICY_OPTS=$(set +u && . /etc/default/smtpcr && echo "${SMTPCR_POLICY_OPTS:-}")
argv=()
for word in $exec_start; do
  case "$word" in
    '$SMTPCR_POLICY_OPTS') read -ra more <<<"$SMTPCR_POLICY_OPTS" && argv+=("${more[@]}") ;;
    '$'*) fail "the test does not know $word in ExecStart" ;;
    *) argv+=("$word") ;;
  esac
done
say "starting: ${argv[*]}"
(cd /var/lib/smtpcr && exec runuser -u smtpcr -- "${service_env[@]}" "${argv[@]}") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  kill -0 "$server_pid" 2>/dev/null || {
    cat "$work/server.log" >&2
    fail "the policy server exited"
  }
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.2
done
exec 3<>"/dev/tcp/127.0.0.1/$port" || fail "the policy server does not listen on 127.0.0.1:$port"
printf '%s\n' request=smtpd_access_policy protocol_state=RCPT protocol_name=ESMTP \
  client_address=192.0.2.10 client_name=unknown helo_name=mail.example.org \
  sender=alice@example.org recipient=bob@example.com instance=1a2b.1 '' >&3
IFS= read -r -t 30 reply <&3 || fail "no answer from the policy server"
exec 3>&-
case "$reply" in
  'action=550 5.7.1 '*'https://cr.example.com/'*) say "policy server answered: ${reply:0:70}..." ;;
  *)
    cat "$work/server.log" >&2
    fail "unexpected answer: $reply"
    ;;
esac
# Netty's native epoll, unpacked and loaded by the smtpcr user (it falls back to NIO silently)
case "$(uname -m)" in
  x86_64 | aarch64)
    # the log's writer thread writes within 100 ms: look for up to 5 s
    for _ in $(seq 50); do grep -q 'policy server listening on ' "$work/server.log" && break; sleep 0.1; done
    grep -q 'policy server listening on .*(epoll,' "$work/server.log" || {
      cat "$work/server.log" >&2
      fail "the policy server did not load epoll as the smtpcr user"
    }
    say "policy server on epoll"
    ;;
esac
# runuser waits for the command it started: the JVM is its child
java_pid=$(pgrep -P "$server_pid" || echo "$server_pid")
[ -n "$java_pid" ] && [ "$(ps -o user= -p "$java_pid")" = smtpcr ] || fail "the server does not run as smtpcr"
kill -TERM "$java_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=
[ "$rc" -eq 143 ] || [ "$rc" -eq 0 ] || {
  cat "$work/server.log" >&2
  fail "the policy server exited with $rc on SIGTERM"
}
say "policy server stopped on SIGTERM (exit $rc, a success for its unit)"

# 7. purge: nothing of the package is left
dpkg --purge smtpcr >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log" >&2
  fail "dpkg --purge smtpcr"
}
left=()
while IFS= read -r f; do
  [ "$f" != /. ] || continue
  [ -e "$f" ] || [ -L "$f" ] || continue
  # a directory another package owns too (/usr/bin, /etc/default ...) stays
  if [ -d "$f" ] && dpkg -S "$f" >/dev/null 2>&1; then continue; fi
  left+=("$f")
done <"$work/files"
for f in /etc/smtpcr /var/lib/smtpcr /usr/share/smtpcr /usr/share/doc/smtpcr /etc/default/smtpcr \
  /etc/systemd/system/smtpcr-policy.service /etc/systemd/system/smtpcr-web.service \
  /etc/systemd/system/smtpcr-smtp.service /tmp/hsperfdata_smtpcr; do
  [ -e "$f" ] || [ -L "$f" ] && left+=("$f")
done
left+=($(find /var/lib/systemd/deb-systemd-helper-enabled /var/lib/systemd/deb-systemd-helper-masked \
  -name 'smtpcr-*' 2>/dev/null || true))
[ "${#left[@]}" -eq 0 ] || fail "left after purge: ${left[*]}"
getent passwd smtpcr >/dev/null && fail "the user smtpcr is left after purge"
getent group smtpcr >/dev/null && fail "the group smtpcr is left after purge"
dpkg-statoverride --list /etc/smtpcr/smtpcr.properties >/dev/null && fail "a statoverride is left after purge"
say "purged: no file, directory, user, group or override of the package is left"

# 8. reinstall, a whitelist entry, then an upgrade to a higher version keeps the key and the entry
dpkg -i "$first" >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log" >&2
  fail "dpkg -i $first (again)"
}
key_sum=$(sha256sum /var/lib/smtpcr/smtpcr.keys)
as_smtpcr /usr/bin/smtpcr whitelist add --data /var/lib/smtpcr --sender alice@example.org \
  --recipient bob@example.com >"$work/cli.log" 2>&1 || {
  cat "$work/cli.log" >&2
  fail "smtpcr whitelist add as smtpcr"
}
# an administrator's edit of the conffile, which the upgrade must keep (without asking)
echo '#challenge-base=https://kept.example/' >>/etc/smtpcr/smtpcr.properties
say "building a higher version"
second=$(scripts/package.sh "$@" -Dsmtpcr.deb.versionSuffix=+upgradetest | tail -n 1)
version2=$(dpkg-deb -f "$second" Version)
dpkg --compare-versions "$version2" gt "$version" || fail "$version2 is not above $version"
dpkg -i "$second" >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log" >&2
  fail "dpkg -i $second (the upgrade)"
}
[ "$(dpkg-query -W -f '${Version}' smtpcr)" = "$version2" ] || fail "the upgrade did not install $version2"
[ "$(sha256sum /var/lib/smtpcr/smtpcr.keys)" = "$key_sum" ] || fail "the upgrade changed the key"
[ "$(mode_owner /var/lib/smtpcr/smtpcr.keys)" = "600 smtpcr" ] || fail "the upgrade changed the key's mode"
[ "$(mode_owners /etc/smtpcr/smtpcr.properties)" = "640 root:smtpcr" ] ||
  fail "after the upgrade the configuration file is $(mode_owners /etc/smtpcr/smtpcr.properties)"
grep -qx '#challenge-base=https://kept.example/' /etc/smtpcr/smtpcr.properties ||
  fail "the upgrade lost the administrator's edit of smtpcr.properties"
[ ! -e /etc/smtpcr/smtpcr.properties.dpkg-dist ] || fail "the upgrade offered a new smtpcr.properties"
as_smtpcr /usr/bin/smtpcr whitelist check --data /var/lib/smtpcr --sender alice@example.org \
  --recipient bob@example.com >"$work/cli.log" 2>&1 || {
  cat "$work/cli.log" >&2
  fail "the whitelist entry is gone after the upgrade"
}
rm -f "$second"
say "upgraded $version -> $version2: the key and the whitelist entry are kept"

# 9. remove keeps the settings, the state and the user (for a reinstall); purge then takes them
dpkg -r smtpcr >"$work/dpkg.log" 2>&1 || {
  cat "$work/dpkg.log" >&2
  fail "dpkg -r smtpcr"
}
[ ! -e /usr/bin/smtpcr ] || fail "/usr/bin/smtpcr is left after remove"
for f in /etc/smtpcr/smtpcr.properties /etc/default/smtpcr /var/lib/smtpcr/smtpcr.keys; do
  [ -e "$f" ] || fail "remove deleted $f (only purge may)"
done
getent passwd smtpcr >/dev/null || fail "remove deleted the user smtpcr (only purge may)"
dpkg --purge smtpcr >/dev/null
[ ! -e /var/lib/smtpcr ] && [ ! -e /etc/smtpcr ] || fail "state or settings left after remove, then purge"
getent passwd smtpcr >/dev/null && fail "the user smtpcr is left after remove, then purge"
say "removed (settings, state and user kept), then purged (all gone)"
say "all checks passed"
