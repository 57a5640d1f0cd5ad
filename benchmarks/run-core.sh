#!/usr/bin/env bash
# Runs the smtpcr-core benchmarks (DecisionEngine decisions on one core; JdbcWhitelistStore look-ups
# on H2 and on a PostgreSQL server the benchmark starts and stops itself) and regenerates the "core"
# section of docs/benchmarks.md. Other sections are left alone.
#
#   benchmarks/run-core.sh                      # defaults below: about 5 minutes on 2 cores
#   JMH_FORKS=3 JMH_ITERATIONS=10 benchmarks/run-core.sh
#   CORE_DBS=h2 benchmarks/run-core.sh          # without PostgreSQL
#   BENCH_NOTE="quiet machine" benchmarks/run-core.sh
#   REPORT_ONLY=1 benchmarks/run-core.sh        # rewrite the section from the last JSON, no build or run
#
# PostgreSQL: initdb and pg_ctl are looked up in /usr/lib/postgresql/<version>/bin, then on the
# PATH (or set JMH_EXTRA_ARGS="-jvmArgsAppend -Dsmtpcr.postgres.bin=DIR"). Each fork starts its own
# server in a temporary directory on a free 127.0.0.1 port (as root: as the postgres user, through
# runuser) and stops it and deletes the directory at its end. Without PostgreSQL only H2 is run.
#
# Settings (environment):
#   JMH_FORKS              forked JVMs per benchmark           (default 2)
#   JMH_WARMUP_ITERATIONS  warm-up iterations per fork         (default 2)
#   JMH_WARMUP_TIME        length of one warm-up iteration     (default 1s)
#   JMH_ITERATIONS         measurement iterations per fork     (default 3)
#   JMH_TIME               length of one measurement iteration (default 1s)
#   JMH_PROFILERS          space-separated JMH profilers       (default "gc", for bytes per op; "" for none)
#   JMH_EXTRA_ARGS         more JMH options, appended as they are (word-split)
#   CORE_DBS               databases for the store benchmarks  (default "h2,postgresql")
#   BENCH_NOTE             a sentence on the conditions, shown in the doc (kept for REPORT_ONLY)
#   BENCH_DOC              the doc to update                   (default docs/benchmarks.md)
#   REPORT_ONLY            1: skip build and run, regenerate from the last result file
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

forks="${JMH_FORKS:-2}"
wi="${JMH_WARMUP_ITERATIONS:-2}"
w="${JMH_WARMUP_TIME:-1s}"
i="${JMH_ITERATIONS:-3}"
r="${JMH_TIME:-1s}"
profilers="${JMH_PROFILERS-gc}"
extra="${JMH_EXTRA_ARGS:-}"
dbs="${CORE_DBS:-h2,postgresql}"
note="${BENCH_NOTE:-}"
doc="${BENCH_DOC:-docs/benchmarks.md}"

jar=benchmarks/target/benchmarks.jar
results=benchmarks/target/jmh-core.json
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

if [ "${REPORT_ONLY:-0}" != 1 ]; then
  echo "Building $jar ..."
  mvn -q -pl benchmarks -am package -DskipTests

  # the PostgreSQL the forks will start, recorded beside the results
  pg_version=""
  if [[ ",$dbs," == *,postgresql,* ]]; then
    pg_version="$("$java" -cp "$jar" org.smtpcr.benchmarks.PostgresVersion 2>/dev/null || true)"
    if [ -z "$pg_version" ]; then
      echo "run-core.sh: PostgreSQL (initdb, pg_ctl) not found; measuring H2 only" >&2
      dbs="$(printf '%s' "$dbs" | tr ',' '\n' | grep -vx postgresql | paste -sd, -)"
    fi
  fi

  [ -n "$dbs" ] || { echo "run-core.sh: no database left to measure (CORE_DBS)" >&2; exit 1; }

  # the command that reproduces this run, as the doc shows it
  command="JMH_FORKS=$forks JMH_WARMUP_ITERATIONS=$wi JMH_WARMUP_TIME=$w JMH_ITERATIONS=$i JMH_TIME=$r"
  command+=" JMH_PROFILERS=\"$profilers\""
  [ "$dbs" = "h2,postgresql" ] || command+=" CORE_DBS=$dbs"
  [ -z "$extra" ] || command+=" JMH_EXTRA_ARGS=\"$extra\""
  command+=" benchmarks/run-core.sh"

  # modes and time units come from the classes: decisions avgt, store look-ups sample time, in ns
  jmh_args=('org\.smtpcr\.benchmarks\.(DecisionBenchmark|StoreLookupBenchmark)\.' -f "$forks" -wi "$wi" -w "$w"
    -i "$i" -r "$r" -p "db=$dbs" -rf json -rff "$results")
  for p in $profilers; do jmh_args+=(-prof "$p"); done
  # shellcheck disable=SC2206 # word splitting of the extra options is intended
  [ -z "$extra" ] || jmh_args+=($extra)

  load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
  # kept beside the results, so REPORT_ONLY shows the conditions of the run, not of today
  printf '%s\n' "$load_before" > "$results.load"
  printf '%s\n' "$command" > "$results.command"
  printf '%s\n' "$pg_version" > "$results.postgres"
  printf '%s\n' "$note" > "$results.note"
  date -u '+%Y-%m-%d %H:%M UTC' > "$results.date"
  rm -f "$results.load-after"
  echo "Running: $java -jar $jar ${jmh_args[*]}"
  start=$SECONDS
  "$java" -jar "$jar" "${jmh_args[@]}"
  cut -d' ' -f1-3 /proc/loadavg 2>/dev/null > "$results.load-after" || true
  echo "JMH took $((SECONDS - start)) s"
fi

[ -f "$results" ] || { echo "run-core.sh: no result file $results; run without REPORT_ONLY first" >&2; exit 1; }
"$java" -cp "$jar" org.smtpcr.benchmarks.Report core --results "$results" --doc "$doc" \
  --command "$(cat "$results.command" 2>/dev/null || echo benchmarks/run-core.sh)" \
  --note "${BENCH_NOTE:-$(cat "$results.note" 2>/dev/null || true)}" \
  --load-before "$(cat "$results.load" 2>/dev/null || true)" \
  --load-after "$(cat "$results.load-after" 2>/dev/null || true)" \
  --postgres "$(cat "$results.postgres" 2>/dev/null || true)" \
  --date "$(cat "$results.date" 2>/dev/null || true)"
