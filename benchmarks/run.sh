#!/usr/bin/env bash
# Runs one benchmark group, rewrites that group's tables in docs/benchmarks.md (between their
# markers; the prose is left alone) and prints each of its goals as met or not met.
#
#   benchmarks/run.sh tokens    # ChallengeTokens against two JWT libraries; about 3 minutes
#   benchmarks/run.sh core      # decisions and store look-ups (H2, PostgreSQL); about 5 minutes
#   benchmarks/run.sh policy    # as root: the policy server against Postgrey; about 28 minutes
#   benchmarks/run.sh auth      # SPF and DKIM against a dnsmasq, the proof of work; about 4 minutes
#   REPORT_ONLY=1 benchmarks/run.sh core    # re-render from the last results, no build or run
#
# Settings (environment); the defaults are those of the published numbers:
#   JMH_FORKS (2), JMH_WARMUP_ITERATIONS (tokens 5, core and auth 2),
#   JMH_ITERATIONS (tokens 5, core and auth 3),
#   JMH_WARMUP_TIME and JMH_TIME (1s), JMH_PROFILERS ("gc", for B/op), JMH_EXTRA_ARGS (word-split)
#   CORE_DBS (h2,postgresql): PostgreSQL is started by each fork (initdb, pg_ctl), skipped if absent
#   POLICY_CONNECTIONS ("1 16 256"), POLICY_SECONDS (10), POLICY_WARMUP (3), POLICY_KNOWN (0.9),
#   POLICY_RATE (1000 req/s over POLICY_RATE_CONNECTIONS=16; 0: no latency run), POLICY_RATE_REPEATS
#     (3: the latency run is made that many times, and the one with the median p99 is the row),
#   POLICY_SERVERS ("floor memory memory-observed memory-tuned h2 postgresql postgresql-cached cli
#     cli-packaged": a store, then -tuned, -observed (decision log and metrics on) or -cached
#     (PostgreSQL's near cache); the PostgreSQL rows need initdb and pg_ctl and are left out without
#     them; cli is `smtpcr policy-server` itself (smtpcr.jar) on the JVM's defaults, cli-packaged the
#     same with the options of smtpcr-examples/cli/src/dist/jvm.options and policy-server.jvm.options, as the package runs it),
#   POLICY_STARTUPS (5): start-ups of Postgrey and of the cli servers, timed to the first answer
#   POLICY_BUSY_POLL_US (200, for memory-tuned),
#   POLICY_OBSERVED_PAIRS (4) and POLICY_OBSERVED_TURNS (12): fresh pairs of the in-memory server
#     without and with the decision log and metrics, both running, each asked in that many turns in
#     alternation at 16 and 256 connections by one load generator (0: none), each run
#     POLICY_TURN_WARMUP (0.5) and POLICY_TURN_SECONDS (2) s; their goal is the median of what the
#     server with them lost against the other in each turn,
#   POLICY_CACHED_OPTS (none: more PolicyBenchServer options for postgresql-cached, to try some),
#   POLICY_CPU_LATENCY (0: hold a CPU latency request of 0 µs through /dev/cpu_dma_latency during
#     the runs, and repeat the 1-connection runs without it; off: never hold it)
#   (the tables show the connection counts of the run; the goals name 1, 16 and 256)
#   POW_SOLVES (300): proofs of work the native solver solves (needs cc and OpenSSL's headers)
#   AUTH_POLICY (1; 0: skip), AUTH_POLICY_CONNECTIONS (16): the policy server with SPF off and on
#   BENCH_NOTE (a sentence on the conditions), BENCH_DOC (docs/benchmarks.md), SKIP_BUILD=1
set -euo pipefail
cd "$(dirname "$0")/.."
group="${1:-}"
case "$group" in tokens|core|policy|auth) ;; *) echo "usage: benchmarks/run.sh tokens|core|policy|auth" >&2; exit 2 ;; esac
jar=benchmarks/target/benchmarks.jar
results=benchmarks/target/results/$group
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
doc="${BENCH_DOC:-docs/benchmarks.md}"
die() { echo "run.sh: $*" >&2; exit 1; }
cond() { printf '%s=%s\n' "$1" "$2" >> "$results/conditions.txt"; }
retry() { for _ in $(seq "$1"); do "${@:2}" && return 0; sleep 0.1; done; return 1; }  # retry N COMMAND...

jmh() {  # jmh REGEX [JMH options...]: one JMH run of the group into $results/jmh.json
  local regex=$1; shift
  local f="${JMH_FORKS:-2}" wi="${JMH_WARMUP_ITERATIONS:-$wi_default}" w="${JMH_WARMUP_TIME:-1s}"
  local i="${JMH_ITERATIONS:-$i_default}" r="${JMH_TIME:-1s}" p="${JMH_PROFILERS-gc}"
  local args=("$regex" -f "$f" -wi "$wi" -w "$w" -i "$i" -r "$r" -rf json -rff "$results/jmh.json" "$@")
  for x in $p; do args+=(-prof "$x"); done
  # shellcheck disable=SC2206 # the extra options are meant to split
  args+=(${JMH_EXTRA_ARGS:-})
  cond JMH "$f forks, $wi warm-up × $w, $i measurement × $r, profilers: ${p:-none}"
  cond Command "\`JMH_FORKS=$f JMH_WARMUP_ITERATIONS=$wi JMH_WARMUP_TIME=$w JMH_ITERATIONS=$i JMH_TIME=$r JMH_PROFILERS=\"$p\"${JMH_EXTRA_ARGS:+ JMH_EXTRA_ARGS=\"$JMH_EXTRA_ARGS\"}$extra_command benchmarks/run.sh $group\`"
  "$java" -jar "$jar" "${args[@]}"
}

# --- policy: Postgrey and our servers on 127.0.0.1, each stopped at the end (also on failure)
server_pid=""
qos_pid=""
pg_pid=""
exited() { [ "$(sed 's/.*) //;s/ .*//' "/proc/$1/stat" 2>/dev/null || echo Z)" = Z ]; }
stop_pid() {  # TERM, up to 10 s, then KILL; only processes this script started
  [ -n "$1" ] && kill -TERM "$1" 2>/dev/null || return 0
  retry 100 exited "$1" || kill -KILL "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
turns_pid=""
trap 'stop_pid "$server_pid"; stop_pid "$turns_pid"; stop_pid "$pg_pid"; stop_pid "$qos_pid"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# The CPU latency request lasts while the file is open: a subshell writes 0 (as "0x00000000"; four
# bytes would be read as binary) and holds it; its sleeps do not inherit the descriptor. Reading
# the device gives the request in force for the whole machine.
qos_is() { [ "$(od -An -td4 -N4 /dev/cpu_dma_latency | tr -d ' ')" "$@" ]; }  # qos_is = 0, qos_is != 0
qos_hold() {
  ( exec 3> /dev/cpu_dma_latency && printf '0x%08x' 0 >&3 && while kill -0 "$$" 2>/dev/null; do sleep 1 3>&-; done ) \
    > /dev/null 2>&1 < /dev/null &
  qos_pid=$!
  retry 50 qos_is = 0 || die "could not hold a CPU latency request of 0 (POLICY_CPU_LATENCY=off to run without)"
}
qos_release() {
  stop_pid "$qos_pid"; qos_pid=""
  retry 30 qos_is != 0 || die "another process holds a CPU latency request of 0 (fuser -v /dev/cpu_dma_latency)"
}
serve() {  # serve NAME COMMAND...: stops the last server, starts this one on $port, waits until it listens
  stop_pid "$server_pid"
  "${@:2}" > "$work/$1.log" 2>&1 < /dev/null &
  server_pid=$!
  retry 300 listening || { cat "$work/$1.log" >&2; die "the $1 server did not start"; }
}
listening() { ! exited "$server_pid" && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }
free_port() { for _ in $(seq 50); do port=$((20000 + RANDOM % 12000)); (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break; done; }
load() {  # load NAME [PolicyLoad options...]: one run, checked to be under the request if it should be
  local name=$1; shift
  [ "$cpu_latency" != 0 ] || [[ "$name" == *-halting ]] || qos_is = 0 || die "the CPU latency request is no longer held"
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --port "$port" --known "${POLICY_KNOWN:-0.9}" \
    --seconds "${POLICY_SECONDS:-10}" --warmup-seconds "${POLICY_WARMUP:-3}" "$@" | tee "$results/$name.properties"
}
measure() {  # measure SERVER [throughput-only]: every connection count, then the latency run, against $port
  for c in ${POLICY_CONNECTIONS:-1 16 256}; do
    load "$1-c$c" --connections "$c"
    if [ "$c" = 1 ] && [ "$cpu_latency" = 0 ]; then qos_release; load "$1-c1-halting" --connections 1; qos_hold; fi
  done
  local rate="${POLICY_RATE:-1000}" repeats="${POLICY_RATE_REPEATS:-3}" r best
  [ "$rate" != 0 ] && [ -z "${2:-}" ] || return 0
  # a 10 s run's p99 is a hundred requests: a few stalls of the machine move it by milliseconds,
  # so the latency run is made $repeats times and the one with the median p99 is the row
  for r in $(seq "$repeats"); do
    load "$1-rate-run$r" --connections "${POLICY_RATE_CONNECTIONS:-16}" --rate "$rate" > /dev/null
  done
  best="$(for r in $(seq "$repeats"); do printf '%s %s\n' "$(sed -n 's/^p99us=//p' "$results/$1-rate-run$r.properties")" "$r"; done \
    | sort -g | awk '{a[NR] = $2} END {print a[int((NR + 1) / 2)]}')"
  cp "$results/$1-rate-run$best.properties" "$results/$1-rate.properties"
  cond "Latency runs ($1)" "p99 µs of the $repeats runs: $(for r in $(seq "$repeats"); do printf '%.0f ' "$(sed -n 's/^p99us=//p' "$results/$1-rate-run$r.properties")"; done)(the row is the run with the median)"
}
# PostgreSQL for the PostgreSQL rows: one server (core's test harness, PostgresServer, as the core
# group's forks start it) for all of them, started on first use, stopped at the end and on failure
pg_started() { [ -s "$work/pg.url" ] || exited "$pg_pid"; }
pg_start() {  # sets pg_url, or leaves it empty when PostgreSQL is not installed
  [ -z "$pg_pid" ] || return 0
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyPostgres "$work/pg.url" > "$work/pg.log" 2>&1 < /dev/null &
  pg_pid=$!
  retry 1200 pg_started || die "PostgreSQL did not start within 2 minutes"
  local rc=0
  [ -s "$work/pg.url" ] || { wait "$pg_pid" || rc=$?; pg_pid=""; }
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || { cat "$work/pg.log" >&2; die "PostgreSQL did not start"; }
  if [ -s "$work/pg.url" ]; then
    pg_url="$(cat "$work/pg.url")"
    cond PostgreSQL "$(head -1 "$work/pg.log"), started by run.sh for the PostgreSQL rows (\`PolicyPostgres\`: the core group's \`PostgresServer\`, initdb into a temporary directory, fsync, synchronous_commit and full_page_writes off); store as \`smtpcr policy-server --store-url\` opens it: \`StoreSpec\`, HikariCP pool of 4, 3 s wait for a connection; pgjdbc 42.7.13"
  else
    cat "$work/pg.log" >&2
    echo "run.sh: PostgreSQL (initdb, pg_ctl) not found; no PostgreSQL rows" >&2
    cond PostgreSQL "not installed: no PostgreSQL rows"
  fi
}
# what an observed server counted: the decisions on its /metrics (the port its log names), while it runs
counted() {  # counted LOG
  local mport
  mport="$(sed -n 's/.*metrics on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -1)"
  curl -fsS "http://127.0.0.1:$mport/metrics" | awk '/^smtpcr_decisions_total/ {n += $NF} END {printf "%.0f", n}'
}
# one line and one count per decision, or the run did not measure what it says; once it has stopped
logged_as_counted() {  # logged_as_counted LOG DECISIONS WHAT: sets lines
  lines="$(grep -c ' action=' "$1" || true)"
  [ "${lines:-0}" -gt 0 ] && [ "$lines" = "$2" ] || die "$3 logged ${lines:-no} decision lines and counted ${2:-no} decisions"
}
# the observed server: what its decision log and metrics saw; then its log (hundreds of MB) goes
observed() {  # observed NAME
  local decisions lines
  decisions="$(counted "$work/$1.log")"
  stop_pid "$server_pid"; server_pid=""
  logged_as_counted "$work/$1.log" "$decisions" "the $1 server"
  cond "Decision log and metrics ($1)" "the \`smtpcr\` command's slf4j-simple configuration, INFO decision log on standard error, redirected to a file: $lines lines, $(du -m "$work/$1.log" | cut -f1) MB; \`MetricsServer\` on a free port (Prometheus registry, JVM metrics), \`MicrometerDecisionListener\` and the log written past slf4j (\`DecisionLog.writingTo\`) in the deciding thread, as in the command, \`TimedWhitelistStore\`: $decisions decisions counted, scraped once at the end"
  head -20 "$work/$1.log" > "$work/$1.head.log"; rm -f "$work/$1.log"
}
# What the decision log and metrics cost, measured in turns of fresh pairs: the in-memory server
# without (A) and with them (B) are both up at once, and one load generator, warm, asks them in
# short alternating turns (A B, then B A, ...; PolicyLoad --ports), first at 16 connections and
# then, by a second load generator, at 256; then both stop and a new pair
# starts. Two servers measured one after the other, minutes apart, differ by more than the 5 % the
# goal allows on this machine, and so do two JVMs of the same server (what the JIT made of it, where
# its threads ran): a turn's two runs are next to each other, so what drifts weighs on both alike,
# fresh pairs sample the JVMs, and the one load JVM is the same compiled code for both. The goal is
# the median over all turns of what B lost against A in the same turn; each run also records the
# server's CPU time per request.
observed_turns() {
  local pairs="${POLICY_OBSERVED_PAIRS:-4}" turns="${POLICY_OBSERVED_TURNS:-12}" pid_a pid_b port_a port_b c n f decisions lines
  local seconds="${POLICY_TURN_SECONDS:-2}" warmup="${POLICY_TURN_WARMUP:-0.5}"
  [[ "$pairs" =~ ^[0-9]+$ ]] || die "POLICY_OBSERVED_PAIRS is a number, not $pairs"
  [[ "$turns" =~ ^[0-9]+$ ]] || die "POLICY_OBSERVED_TURNS is a number, not $turns"
  [ "$pairs" -gt 0 ] && [ "$turns" -gt 0 ] || return 0
  stop_pid "$server_pid"; server_pid=""
  for n in $(seq "$pairs"); do
    free_port; port_a=$port
    "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer --store memory --port "$port_a" \
      > "$work/turns-memory.log" 2>&1 < /dev/null &
    pid_a=$!; server_pid=$pid_a; turns_pid=$pid_a
    retry 300 listening || { cat "$work/turns-memory.log" >&2; die "the turns' memory server did not start"; }
    free_port; port_b=$port
    "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer --store memory --observe on --port "$port_b" \
      > "$work/turns-memory-observed.log" 2>&1 < /dev/null &
    pid_b=$!; server_pid=$pid_b
    retry 300 listening || { stop_pid "$pid_a"; cat "$work/turns-memory-observed.log" >&2; die "the turns' observed server did not start"; }
    for c in 16 256; do
      # under the CPU latency request, as every other run, before and after
      [ "$cpu_latency" != 0 ] || qos_is = 0 || die "the CPU latency request is no longer held"
      # both compiled and warm before the first turn: a first run of each that is not counted;
      # every other pair starts with B, so that an odd number of turns favours neither
      "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --ports "$port_a,$port_b" --server-pids "$pid_a,$pid_b" \
        --connections "$c" --known "${POLICY_KNOWN:-0.9}" --turns "$turns" --seconds "$seconds" \
        --warmup-seconds "$warmup" --first-warmup-seconds "$( [ "$c" = 16 ] && echo 10 || echo 3)" \
        --order-offset $((n % 2 == 0 ? 1 : 0)) > "$results/observed-turns-c$c-pair$n.properties" \
        || { stop_pid "$pid_a"; stop_pid "$pid_b"; cat "$results/observed-turns-c$c-pair$n.properties" >&2; die "the turns at $c connections failed (pair $n)"; }
      [ "$cpu_latency" != 0 ] || qos_is = 0 || die "the CPU latency request is no longer held"
    done
    # the observed server did log and count every decision, or the turns did not measure the log
    decisions="$(counted "$work/turns-memory-observed.log")"
    stop_pid "$pid_a"; stop_pid "$pid_b"; server_pid=""; turns_pid=""
    logged_as_counted "$work/turns-memory-observed.log" "$decisions" "the turns' observed server (pair $n)"
    [ "$n" != 1 ] || head -20 "$work/turns-memory-observed.log" > "$work/turns-memory-observed.head.log"
    rm -f "$work/turns-memory-observed.log"
  done
  for c in 16 256; do
    f="$(for n in $(seq "$pairs"); do echo "$results/observed-turns-c$c-pair$n.properties"; done)"
    "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --pool-turns "$(tr '\n' ',' <<< "$f" | sed 's/,$//')" \
      > "$results/ours-memory-observed-turns-c$c.properties" || die "the turns at $c connections did not all give requests/s and CPU time"
    cond "Turns ($c connections)" "$(sed -n 's/^summary=//p' "$results/ours-memory-observed-turns-c$c.properties")"
  done
  cond "Decision log and metrics, in turns" "$pairs fresh pairs of the in-memory server without (A) and with them (B), both running; for each pair and connection count one load generator (\`PolicyLoad --ports\`), warm, asked them in $turns turns (16 connections, then 256), A then B and B then A in alternation (every other pair B first), each run ${warmup} s warm-up and ${seconds} s, after a first run of each that is not counted (10 s at 16 connections, 3 s at 256); the goal is the median over the $((pairs * turns)) turns of what B lost against A in the same turn"
}
# the footprint of the server being measured: its peak resident memory (VmHWM: since it started,
# start-up and every run included) and its resident memory now, after its last run
footprint() {  # footprint NAME
  local hwm rss
  hwm="$(awk '/^VmHWM:/ {print $2}' "/proc/$server_pid/status")"
  rss="$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status")"
  [ -n "$hwm" ] && [ -n "$rss" ] || die "no memory figures for the $1 server (pid $server_pid)"
  printf 'peakmb=%s\nendmb=%s\n' "$(awk "BEGIN {print $hwm / 1024}")" "$(awk "BEGIN {print $rss / 1024}")" \
    | tee -a "$results/$1-footprint.properties"
}
startup() {  # startup NAME COMMAND...: start-ups of COMMAND on a free $port, timed to the first answer
  stop_pid "$server_pid"; server_pid=""
  free_port
  local cmd=("${@:2}")
  cmd=("${cmd[@]//@PORT@/$port}")
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyStartup --port "$port" --repeat "${POLICY_STARTUPS:-5}" \
    --log "$work/$1-startup.log" -- "${cmd[@]}" | tee -a "$results/$1-footprint.properties"
}
# smtpcr policy-server itself: a data directory of its own (a key, the known pairs imported as an
# administrator would), SPF and DKIM off (Postgrey checks neither), links to a page it does not serve
cli_setup() {
  [ -z "$cli_data" ] || return 0
  cli_data="$work/cli-data"
  mkdir -m 700 "$cli_data"
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --write-known "$work/known.txt"
  "$java" -jar "$cli_jar" keygen --out "$cli_data/smtpcr.keys" > "$work/cli-setup.log" 2>&1
  "$java" -jar "$cli_jar" whitelist import --data "$cli_data" "$work/known.txt" >> "$work/cli-setup.log" 2>&1 \
    || { cat "$work/cli-setup.log" >&2; die "smtpcr whitelist import failed"; }
}
cli_command() {  # cli_command SERVER: sets cmd, the command line of cli or cli-packaged, port @PORT@
  cmd=("$java")
  [ "$1" != cli-packaged ] || cmd+=("${packaged[@]}")
  cmd+=(-jar "$cli_jar" policy-server --data "$cli_data" --listen "127.0.0.1:@PORT@" --spf off --dkim off
    --challenge-base http://127.0.0.1:8080/)
}
policy() {
  [ "$(id -u)" -eq 0 ] || die "the policy group runs as root (Postgrey drops to user postgrey)"
  [ -x /usr/sbin/postgrey ] || die "Postgrey is not installed (apt-get install postgrey)"
  local busy="${POLICY_BUSY_POLL_US:-200}"
  local servers="${POLICY_SERVERS:-floor memory memory-observed memory-tuned h2 postgresql postgresql-cached cli cli-packaged}"
  for s in $servers; do
    case "$s" in floor|memory|memory-tuned|memory-observed|h2|postgresql|postgresql-cached|cli|cli-packaged) ;; *) die "unknown server $s in POLICY_SERVERS" ;; esac
  done
  cli_jar=smtpcr-examples/cli/target/smtpcr.jar cli_data=""
  local options_file=smtpcr-examples/cli/src/dist/jvm.options
  # as the package's launcher reads it: one option a line, blank lines and # comments left out
  # and its policy-server.jvm.options after it
  mapfile -t packaged < <(cat "$options_file" "${options_file%/*}/policy-server.jvm.options" | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v -e '^#' -e '^$')
  if [[ " $servers " == *" cli"* ]]; then
    [ -f "$cli_jar" ] || die "$cli_jar is missing (build without SKIP_BUILD=1)"
    cond "SMTPCR command" "\`smtpcr policy-server\` (smtpcr.jar) with its data directory (H2 store, the 500 known pairs imported with \`smtpcr whitelist import\`), \`--spf off --dkim off\` (Postgrey checks neither), the decision log at INFO to a file; default JVM options, and packaged: the options of \`$options_file\` and \`policy-server.jvm.options\` beside it: \`${packaged[*]}\`"
  fi
  cond Footprint "peak RSS: VmHWM of the server process (/proc/PID/status) after its last run, start-up and every run included; RSS at the end: VmRSS then; start-up: from the start of the process to the whole reply to its first request, median of ${POLICY_STARTUPS:-5} (Postgrey and the \`smtpcr policy-server\` rows)"
  pg_url=""
  local pg_opts="--delay=1 --auto-whitelist-clients=0"
  work=benchmarks/target/policy
  cpu_latency="${POLICY_CPU_LATENCY:-0}"
  [[ "$cpu_latency" =~ ^(0|off)$ ]] || { echo "run.sh: POLICY_CPU_LATENCY is 0 or off, not $cpu_latency" >&2; exit 2; }
  cond "CPU idle" "$(cat /sys/devices/system/cpu/cpuidle/current_driver 2>/dev/null || echo none) driver, $(cat /sys/devices/system/cpu/cpuidle/current_governor_ro 2>/dev/null || echo no) governor; CPU latency request: ${cpu_latency/0/0 µs held during every run except those marked CPUs may halt}"
  cond Postgrey "Debian package $(dpkg-query -W -f='${Version}' postgrey 2>/dev/null), options \`$pg_opts\`, Berkeley DB in its own directory, empty whitelists"
  cond SMTPCR "\`PolicyServer\` defaults (8 worker threads, no busy polling); tuned: \`workerThreads(0)\`, \`busyPoll($busy µs)\`; H2 store: embedded file database, pooled; near cache: the runtime's \`OpenStore\` with \`store.cache=on\` (its default size, TTL and key filter, LISTEN/NOTIFY), \`memoryFirst(true)\`${POLICY_CACHED_OPTS:+, then \`$POLICY_CACHED_OPTS\`}; decision log and metrics off except in the rows that say so"
  cond Command "\`POLICY_CONNECTIONS=\"${POLICY_CONNECTIONS:-1 16 256}\" POLICY_SECONDS=${POLICY_SECONDS:-10} POLICY_WARMUP=${POLICY_WARMUP:-3} POLICY_RATE=${POLICY_RATE:-1000} POLICY_RATE_CONNECTIONS=${POLICY_RATE_CONNECTIONS:-16} POLICY_RATE_REPEATS=${POLICY_RATE_REPEATS:-3} POLICY_KNOWN=${POLICY_KNOWN:-0.9} POLICY_SERVERS=\"$servers\" POLICY_BUSY_POLL_US=$busy POLICY_CPU_LATENCY=$cpu_latency POLICY_STARTUPS=${POLICY_STARTUPS:-5} POLICY_OBSERVED_PAIRS=${POLICY_OBSERVED_PAIRS:-4} POLICY_OBSERVED_TURNS=${POLICY_OBSERVED_TURNS:-12} POLICY_TURN_SECONDS=${POLICY_TURN_SECONDS:-2} POLICY_TURN_WARMUP=${POLICY_TURN_WARMUP:-0.5}${POLICY_CACHED_OPTS:+ POLICY_CACHED_OPTS=\"$POLICY_CACHED_OPTS\"} benchmarks/run.sh policy\` (as root)"
  rm -rf "$work"; mkdir -p "$work/db"; chown postgrey:postgrey "$work/db"; chmod 700 "$work/db"; : > "$work/none"
  [ "$cpu_latency" = off ] || qos_hold
  # shellcheck disable=SC2206 # the options are meant to split
  local postgrey=(setsid /usr/sbin/postgrey --inet="127.0.0.1:@PORT@" --dbdir="$work/db" --whitelist-clients="$work/none"
    --whitelist-recipients="$work/none" --hostname=mx.cr.test $pg_opts)
  startup postgrey "${postgrey[@]}"
  free_port
  serve postgrey "${postgrey[@]//@PORT@/$port}"
  # every known triplet greylisted once, then the delay waited out: from now on they pass
  "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyLoad --port "$port" --seed-only
  sleep 2
  measure postgrey
  footprint postgrey
  for s in $servers; do
    if [[ "$s" == cli* ]]; then
      cli_setup
      cli_command "$s"
      startup "ours-$s" "${cmd[@]}"
      free_port
      serve "$s" "${cmd[@]//@PORT@/$port}"
      measure "ours-$s"
      footprint "ours-$s"
      stop_pid "$server_pid"; server_pid=""
      # its decision log, a line per decision: the first lines are kept
      head -20 "$work/$s.log" > "$work/$s.head.log"; rm -f "$work/$s.log"
      continue
    fi
    local opts=(--store "${s%%-*}")
    [[ "$s" != *-tuned ]] || opts+=(--workers 0 --busy-poll-us "$busy")
    [[ "$s" != *-observed ]] || opts+=(--observe on)
    # with the near cache, as \`smtpcr policy-server\` runs it with a PostgreSQL store and --spf off:
    # each decision first tried on the event loop, answered from memory (PolicyServer.memoryFirst)
    [[ "$s" != *-cached ]] || opts+=(--cache on --memory-first on)
    # shellcheck disable=SC2206 # the options are meant to split
    [[ "$s" != *-cached ]] || opts+=(${POLICY_CACHED_OPTS:-})
    [ "$s" != h2 ] || opts+=(--h2-dir "$work/h2")
    if [[ "$s" == postgresql* ]]; then
      pg_start
      [ -n "$pg_url" ] || continue
      opts+=(--pg-url "$pg_url")
    fi
    # a near cache that does not serve (no LISTEN connection) says so (status 3): no rows
    if [[ "$s" == *-cached ]] && ! "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer "${opts[@]}" \
        --max-seconds 0 > "$work/$s-check.log" 2>&1; then
      cat "$work/$s-check.log" >&2
      echo "run.sh: no $s rows" >&2
      cond "$s" "not measured: $(tail -1 "$work/$s-check.log")"
      continue
    fi
    free_port
    serve "$s" "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer "${opts[@]}" --port "$port"
    if [ "$s" = floor ]; then measure floor throughput-only; else measure "ours-$s"; fi
    if [ "$s" = floor ]; then footprint floor; else footprint "ours-$s"; fi
    [[ "$s" != *-observed ]] || observed "$s"
    if [[ "$s" == *-cached ]]; then  # the cache's own count, printed as the server stops
      stop_pid "$server_pid"; server_pid=""
      cond "Near cache ($s)" "$(grep -m1 '^near cache:' "$work/$s.log" || echo 'no count printed'), over the whole server run (warm-ups included)"
    fi
  done
  stop_pid "$server_pid"; server_pid=""
  stop_pid "$pg_pid"; pg_pid=""
  [[ " $servers " != *" memory-observed "* ]] || observed_turns
}
# --- auth: the policy server with SPF off and on (in-memory store), its own dnsmasq for SPF
auth_policy() {
  work=benchmarks/target/auth-policy
  cpu_latency=off
  rm -rf "$work"; mkdir -p "$work"
  if ! "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer --store memory --spf on --max-seconds 0 > "$work/check.log" 2>&1; then
    cat "$work/check.log" >&2
    echo "run.sh: no policy-server run with SPF (AUTH_POLICY=0 to skip it)" >&2
    return 0
  fi
  local c="${AUTH_POLICY_CONNECTIONS:-16}"
  cond "Policy server" "\`PolicyServer\` defaults (8 worker threads), in-memory store; SPF on: \`SmtpcrAuthenticator\`, cache on, its own dnsmasq (SPF for the 100 known sender domains, nothing for the unknown ones); $c connections, ${POLICY_SECONDS:-10} s after ${POLICY_WARMUP:-3} s warm-up, ${POLICY_KNOWN:-0.9} known"
  for spf in off on; do
    free_port
    serve "spf-$spf" "$java" -cp "$jar" org.smtpcr.benchmarks.PolicyBenchServer --store memory --spf "$spf" --port "$port"
    load "policy-spf-$spf" --connections "$c"
  done
  stop_pid "$server_pid"; server_pid=""
}

if [ "${REPORT_ONLY:-0}" != 1 ]; then
  # the policy group runs the smtpcr command too
  modules=benchmarks; [ "$group" != policy ] || modules+=,smtpcr-examples/cli
  [ "${SKIP_BUILD:-0}" = 1 ] || mvn -q -pl "$modules" -am package -DskipTests
  rm -rf "$results"; mkdir -p "$results"
  cond Date "$(date -u '+%Y-%m-%d %H:%M UTC')"
  cond Machine "$(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr) $(uname -m)"
  cond JVM "$("$java" -version 2>&1 | sed -n 3p), default options"
  cond "Load average (1, 5, 15 min) before the run" "$(cut -d' ' -f1-3 /proc/loadavg)"
  [ -z "${BENCH_NOTE:-}" ] || cond Note "$BENCH_NOTE"
  extra_command=""
  case "$group" in
    tokens)
      wi_default=5 i_default=5
      jmh 'org\.smtpcr\.benchmarks\.TokenBenchmark\.'
      "$java" -cp "$jar" org.smtpcr.benchmarks.TokenFixtures "$results" ;;
    core)
      wi_default=2 i_default=3 dbs="${CORE_DBS:-h2,postgresql}"
      pg="$("$java" -cp "$jar" org.smtpcr.benchmarks.StoreLookupBenchmark 2>/dev/null || true)"
      if [ -z "$pg" ]; then echo "run.sh: PostgreSQL not found; measuring H2 only" >&2; dbs="${dbs/postgresql/}"; dbs="${dbs%,}"; fi
      [[ "$dbs" == *postgresql* ]] || pg=""
      [ -n "$dbs" ] || die "no database left to measure (CORE_DBS)"
      [ "$dbs" = h2,postgresql ] || extra_command=" CORE_DBS=$dbs"
      cond Databases "H2 2.3.232 embedded, file in a temporary directory${pg:+; $pg started by each fork on a free 127.0.0.1 port, fsync, synchronous_commit and full_page_writes off}; pgjdbc 42.7.13; HikariCP 6.3.0, 2 connections"
      jmh 'org\.smtpcr\.benchmarks\.(DecisionBenchmark|StoreLookupBenchmark|ObserveBenchmark)\.' -p "db=$dbs" ;;
    policy) policy ;;
    auth)
      wi_default=2 i_default=3
      [ "${POW_SOLVES:-300}" = 300 ] || extra_command=" POW_SOLVES=$POW_SOLVES"
      [ -x /usr/sbin/dnsmasq ] || die "dnsmasq is not installed (apt-get install dnsmasq-base)"
      cond DNS "$(/usr/sbin/dnsmasq --version | head -1 | cut -d' ' -f1-3), authoritative, on 127.0.0.1 and a random port, started by each fork; queries over UDP by dnsjava 3.6.5's \`SimpleResolver\`"
      cond Libraries "Apache jSPF 1.0.5 (synchronous executor), Apache jDKIM 0.5 (2048-bit RSA key, rsa-sha256, relaxed/relaxed)"
      jmh 'org\.smtpcr\.benchmarks\.(SpfBenchmark|DkimBenchmark|PowBenchmark)\.'
      "$java" -cp "$jar" org.smtpcr.benchmarks.SpfBenchmark "$results"
      solves="${POW_SOLVES:-300}"
      if cc -O2 -Wno-deprecated-declarations -o benchmarks/target/pow-solve benchmarks/src/main/c/pow_solve.c -lcrypto; then
        benchmarks/target/pow-solve 18 "$solves" | tee "$results/powNative.properties"
        cond "Native solver" "\`benchmarks/target/pow-solve 18 $solves\` ($(cc --version | head -1), $(openssl version | cut -d' ' -f1-2)), CPU time of the process"
      else
        echo "run.sh: no C compiler or OpenSSL headers (apt-get install gcc libssl-dev); no native solver" >&2
      fi
      [ "${AUTH_POLICY:-1}" = 0 ] || auth_policy ;;
  esac
  cond "Load average (1, 5, 15 min) after the run" "$(cut -d' ' -f1-3 /proc/loadavg)"
fi
"$java" -cp "$jar" org.smtpcr.benchmarks.Render "$group" "$results" "$doc"
