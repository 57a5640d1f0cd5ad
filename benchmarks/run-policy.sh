#!/usr/bin/env bash
# Measures SMTPCR's Postfix policy server against Postgrey (Debian package) on this machine, over
# loopback, and regenerates the "policy" section of docs/benchmarks.md. Other sections are left alone.
#
#   benchmarks/run-policy.sh                       # defaults below: about 7 minutes
#   POLICY_SECONDS=20 benchmarks/run-policy.sh
#   BENCH_NOTE="quiet machine" benchmarks/run-policy.sh
#   REPORT_ONLY=1 benchmarks/run-policy.sh         # rewrite the section from the last results
#
# Must run as root: Postgrey (Net::Server) drops to user postgrey, whose database directory this
# script creates. Postgrey, our server and the load generator all bind or connect to 127.0.0.1 only;
# every run is bounded in time and in requests, and both servers are stopped at the end (also on
# failure or Ctrl-C).
#
# Settings (environment):
#   POLICY_CONNECTIONS        connection counts for the throughput runs   (default "1 16 256")
#   POLICY_SECONDS            length of each measured run                 (default 10)
#   POLICY_WARMUP             warm-up before each measured run, seconds   (default 3)
#   POLICY_RATE               offered load of the latency run, req/s      (default 1000; 0: no latency run)
#   POLICY_RATE_CONNECTIONS   connections of the latency run              (default 16)
#   POLICY_KNOWN              fraction of requests for known triplets     (default 0.9)
#   POLICY_STORES             our configurations to measure               (default "memory memory-tuned h2")
#                             memory: in-memory store, PolicyServer defaults (8 worker threads)
#                             memory-tuned: in-memory store, workerThreads(0), busyPoll(POLICY_BUSY_POLL_US)
#                             h2: H2 file store, PolicyServer defaults
#   POLICY_BUSY_POLL_US       busy polling of memory-tuned, microseconds  (default 200)
#   POLICY_FLOOR              1: also measure the floor, a server that does nothing (default 1)
#   POLICY_CPU_LATENCY        0: hold a CPU latency request of 0 µs during the runs; off: none (default 0)
#                             Held through /dev/cpu_dma_latency (PM QoS, as cyclictest does): an idle CPU
#                             polls instead of halting, which on a virtual machine spares each wake-up a
#                             trip through the hypervisor. Released when the script ends. With 0, every
#                             server is also measured at 1 connection without it (run c1-halting), right
#                             after its 1-connection run with it.
#   BENCH_NOTE                a sentence on the conditions, shown in the doc (kept for REPORT_ONLY)
#   BENCH_DOC                 the doc to update                           (default docs/benchmarks.md)
#   SKIP_BUILD                1: use benchmarks/target/benchmarks.jar as it is
#   REPORT_ONLY               1: skip build and runs, regenerate from the last results
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

conns="${POLICY_CONNECTIONS:-1 16 256}"
seconds="${POLICY_SECONDS:-10}"
warmup="${POLICY_WARMUP:-3}"
rate="${POLICY_RATE:-1000}"
rate_conns="${POLICY_RATE_CONNECTIONS:-16}"
known="${POLICY_KNOWN:-0.9}"
stores="${POLICY_STORES:-memory memory-tuned h2}"
busy_poll_us="${POLICY_BUSY_POLL_US:-200}"
floor="${POLICY_FLOOR:-1}"
cpu_latency="${POLICY_CPU_LATENCY:-0}"
note="${BENCH_NOTE:-}"
doc="${BENCH_DOC:-docs/benchmarks.md}"

jar=benchmarks/target/benchmarks.jar
work=benchmarks/target/policy-bench
results="$work/results"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
postgrey_delay=1
postgrey_opts="--delay=$postgrey_delay --auto-whitelist-clients=0"

command="POLICY_CONNECTIONS=\"$conns\" POLICY_SECONDS=$seconds POLICY_WARMUP=$warmup POLICY_RATE=$rate"
command+=" POLICY_RATE_CONNECTIONS=$rate_conns POLICY_KNOWN=$known POLICY_STORES=\"$stores\""
command+=" POLICY_BUSY_POLL_US=$busy_poll_us POLICY_FLOOR=$floor POLICY_CPU_LATENCY=$cpu_latency"
command+=" benchmarks/run-policy.sh"

pg_pid=""
ours_pid=""
qos_pid=""
alive() {  # alive PID: running, not merely a zombie waiting to be reaped
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}
stop_pid() {  # stop_pid PID: TERM, wait up to 10 s, then KILL; only a process this script started
  local pid=$1
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$qos_pid"; qos_pid=""
  stop_pid "$ours_pid"; ours_pid=""
  stop_pid "$pg_pid"; pg_pid=""
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

free_port() {  # a port on 127.0.0.1 that nothing listens on now
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  echo "run-policy.sh: no free port found" >&2; return 1
}

wait_port() {  # wait_port PORT PID: until PORT accepts connections (20 s), failing if PID dies
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "run-policy.sh: server $2 died" >&2; return 1; }
    sleep 0.1
  done
  echo "run-policy.sh: nothing listens on 127.0.0.1:$1 after 20 s" >&2; return 1
}

load() {  # load LABEL PORT RUN-NAME [PolicyLoad options...]
  local label=$1 port=$2 name=$3; shift 3
  [ "$name" = c1-halting ] || qos_check
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --port "$port" --label "$label" --known "$known" \
    --seconds "$seconds" --warmup-seconds "$warmup" --out "$results/$label-$name.properties" "$@"
}

# The CPU latency request lives as long as the file stays open: a subshell opens it, writes 0 (as
# the 10-character hex string "0x00000000"; exactly 4 bytes would be read as a binary number) and
# holds it while this script runs. Its sleeps do not inherit the descriptor, so stopping the subshell
# releases the request at once. Reading the device gives the request in force for the whole machine.
qos_now() {  # the CPU latency the machine is held to now, microseconds
  od -An -td4 -N4 /dev/cpu_dma_latency | tr -d ' '
}
qos_hold() {
  [ "$cpu_latency" != off ] || return 0
  [ -z "$qos_pid" ] || return 0
  ( exec 3> /dev/cpu_dma_latency && printf '0x%08x' 0 >&3 &&
      while kill -0 "$$" 2>/dev/null; do sleep 1 3>&-; done ) > /dev/null 2>&1 < /dev/null &
  qos_pid=$!
  for _ in $(seq 50); do [ "$(qos_now)" = 0 ] && break; sleep 0.1; done
  [ "$(qos_now)" = 0 ] || { echo "run-policy.sh: could not hold a CPU latency request of 0 (POLICY_CPU_LATENCY=off to run without)" >&2; exit 1; }
}
qos_holders() {  # the processes that have /dev/cpu_dma_latency open
  local fd
  for fd in /proc/[0-9]*/fd/*; do
    [ "$(readlink "$fd" 2>/dev/null)" = /dev/cpu_dma_latency ] || continue
    fd="${fd%/fd/*}"
    printf '  %s %s\n' "${fd#/proc/}" "$(tr '\0' ' ' < "$fd/cmdline" 2>/dev/null)"
  done
}
qos_release() {
  stop_pid "$qos_pid"; qos_pid=""
  [ "$cpu_latency" != off ] || return 0
  for _ in $(seq 30); do [ "$(qos_now)" != 0 ] && return 0; sleep 0.1; done
  { echo "run-policy.sh: a CPU latency request of 0 is still in force, so CPUs cannot halt; stop what holds it, or run with POLICY_CPU_LATENCY=off. Holders:"
    qos_holders; } >&2
  exit 1
}
qos_check() {  # before a run meant to be under the request
  [ "$cpu_latency" != off ] || return 0
  { [ -n "$qos_pid" ] && alive "$qos_pid" && [ "$(qos_now)" = 0 ]; } ||
    { echo "run-policy.sh: the CPU latency request is no longer held" >&2; exit 1; }
}

throughput() {  # throughput LABEL PORT: every connection count; after 1, the same with CPUs free to halt
  local label=$1 port=$2
  for c in $conns; do
    load "$label" "$port" "c$c" --connections "$c"
    if [ "$c" = 1 ] && [ "$cpu_latency" != off ]; then
      qos_release
      load "$label" "$port" c1-halting --connections 1
      qos_hold
    fi
  done
}

measure() {  # measure LABEL PORT: the throughput runs and the latency run
  local label=$1 port=$2
  throughput "$label" "$port"
  if [ "$rate" != 0 ]; then
    load "$label" "$port" rate --connections "$rate_conns" --rate "$rate"
  fi
}

if [ "${REPORT_ONLY:-0}" != 1 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "run-policy.sh: run as root (Postgrey drops to user postgrey)" >&2; exit 1; }
  command -v postgrey >/dev/null || [ -x /usr/sbin/postgrey ] ||
    { echo "run-policy.sh: Postgrey is not installed (apt-get install postgrey)" >&2; exit 1; }

  [[ "$cpu_latency" =~ ^(0|off)$ ]] ||
    { echo "run-policy.sh: POLICY_CPU_LATENCY is 0 or off, not: $cpu_latency" >&2; exit 2; }
  [[ "$rate" =~ ^[0-9]+$ ]] || { echo "run-policy.sh: POLICY_RATE is a whole number, not: $rate" >&2; exit 2; }
  if [ "$cpu_latency" != off ] && ! [ -w /dev/cpu_dma_latency ]; then
    echo "run-policy.sh: /dev/cpu_dma_latency is missing or not writable (POLICY_CPU_LATENCY=off to run without)" >&2
    exit 1
  fi

  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "Building $jar ..."
    mvn -q -pl benchmarks -am package -DskipTests
  fi

  rm -rf "$work"
  mkdir -p "$results"
  printf '%s\n' "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)" > "$results/load-before"
  printf '%s\n' "$command" > "$results/command"
  printf '%s\n' "$busy_poll_us" > "$results/busy-poll-us"
  printf '%s\n' "$cpu_latency" > "$results/cpu-latency"
  idle="$(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo none)"
  idle+=" driver, $(cat /sys/devices/system/cpu/cpuidle/current_governor_ro 2>/dev/null ||
    cat /sys/devices/system/cpu/cpuidle/current_governor 2>/dev/null || echo no) governor"
  printf '%s\n' "$idle" > "$results/cpuidle"
  printf '%s\n' "$note" > "$results/note"
  date -u '+%Y-%m-%d %H:%M UTC' > "$results/date"
  pg_version="$(dpkg-query -W -f='${Version}' postgrey 2>/dev/null || echo unknown)"
  printf 'Debian package %s, options `%s`, Berkeley DB in its own directory, empty whitelists\n' \
    "$pg_version" "$postgrey_opts" > "$results/postgrey"
  "$java" -version 2>&1 | sed -n 3p > "$results/jvm"

  qos_hold

  # --- Postgrey: private database, foreground under setsid, stopped by pid
  pg_port="$(free_port)"
  mkdir -p "$work/postgrey/db"
  chown postgrey:postgrey "$work/postgrey/db"; chmod 700 "$work/postgrey/db"
  : > "$work/postgrey/whitelist_clients"; : > "$work/postgrey/whitelist_recipients"
  # shellcheck disable=SC2086 # the options are meant to split
  setsid /usr/sbin/postgrey --inet="127.0.0.1:$pg_port" --dbdir="$work/postgrey/db" \
    --whitelist-clients="$work/postgrey/whitelist_clients" \
    --whitelist-recipients="$work/postgrey/whitelist_recipients" \
    --hostname=mx.cr.test $postgrey_opts > "$work/postgrey/postgrey.log" 2>&1 < /dev/null &
  pg_pid=$!
  wait_port "$pg_port" "$pg_pid"
  echo "Postgrey $pg_version on 127.0.0.1:$pg_port"
  # every known triplet seen once (greylisted), then the delay waited out: from now on they pass
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --port "$pg_port" --label postgrey --seed-only
  sleep $((postgrey_delay + 1))
  measure postgrey "$pg_port"
  stop_pid "$pg_pid"; pg_pid=""

  # --- the floor: a server that does nothing, to show what the machine allows any server
  if [ "$floor" = 1 ]; then
    rm -f "$work/ours.port"
    "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyFloorServer --port-file "$work/ours.port" --max-seconds 900 \
      > "$work/floor.log" 2>&1 &
    ours_pid=$!
    for _ in $(seq 300); do [ -f "$work/ours.port" ] && break; kill -0 "$ours_pid" || break; sleep 0.1; done
    [ -f "$work/ours.port" ] || { echo "run-policy.sh: the floor server did not start:" >&2; cat "$work/floor.log" >&2; exit 1; }
    port="$(cat "$work/ours.port")"
    echo "floor server on 127.0.0.1:$port"
    throughput floor "$port"
    stop_pid "$ours_pid"; ours_pid=""
  fi

  # --- ours, once per configuration
  for store in $stores; do
    case "$store" in
      memory) server_opts=(--store memory) ;;
      memory-tuned) server_opts=(--store memory --workers 0 --busy-poll-us "$busy_poll_us") ;;
      h2) server_opts=(--store h2 --h2-dir "$work/h2") ;;
      *) echo "run-policy.sh: unknown configuration in POLICY_STORES: $store" >&2; exit 2 ;;
    esac
    rm -f "$work/ours.port"
    "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer "${server_opts[@]}" \
      --port-file "$work/ours.port" --max-seconds 900 > "$work/ours-$store.log" 2>&1 &
    ours_pid=$!
    for _ in $(seq 300); do [ -f "$work/ours.port" ] && break; kill -0 "$ours_pid" || break; sleep 0.1; done
    [ -f "$work/ours.port" ] || { echo "run-policy.sh: our server did not start:" >&2; cat "$work/ours-$store.log" >&2; exit 1; }
    port="$(cat "$work/ours.port")"
    echo "SMTPCR policy server ($store store) on 127.0.0.1:$port"
    measure "ours-$store" "$port"
    stop_pid "$ours_pid"; ours_pid=""
  done
fi

[ -d "$results" ] || { echo "run-policy.sh: no results in $results; run without REPORT_ONLY first" >&2; exit 1; }
"$java" -cp "$jar" org.smtpcr.benchmarks.PolicyReport --results "$results" --doc "$doc" \
  --command "$(cat "$results/command" 2>/dev/null || echo "$command")" \
  --note "${BENCH_NOTE:-$(cat "$results/note" 2>/dev/null || true)}" --date "$(cat "$results/date" 2>/dev/null || true)" \
  --load-before "$(cat "$results/load-before" 2>/dev/null || true)" --busy-poll-us "$(cat "$results/busy-poll-us" 2>/dev/null || echo "$busy_poll_us")" \
  --cpu-latency "$(cat "$results/cpu-latency" 2>/dev/null || echo off)" \
  --cpuidle "$(cat "$results/cpuidle" 2>/dev/null || true)" \
  --postgrey "$(cat "$results/postgrey" 2>/dev/null || true)" --jvm "$(cat "$results/jvm" 2>/dev/null || true)"
