#!/usr/bin/env bash
# Runs the token benchmarks (SMTPCR challenge tokens against Nimbus JOSE+JWT and auth0 java-jwt)
# and regenerates the "tokens" section of docs/benchmarks.md. Other sections are left alone.
#
#   benchmarks/run.sh                      # defaults below: about 3 minutes on 2 cores
#   JMH_FORKS=3 JMH_ITERATIONS=10 benchmarks/run.sh
#   BENCH_NOTE="quiet machine" benchmarks/run.sh
#   REPORT_ONLY=1 benchmarks/run.sh        # rewrite the section from the last JSON, no build or run
#
# Settings (environment):
#   JMH_FORKS              forked JVMs per benchmark           (default 2)
#   JMH_WARMUP_ITERATIONS  warm-up iterations per fork         (default 5)
#   JMH_WARMUP_TIME        length of one warm-up iteration     (default 1s)
#   JMH_ITERATIONS         measurement iterations per fork     (default 5)
#   JMH_TIME               length of one measurement iteration (default 1s)
#   JMH_PROFILERS          space-separated JMH profilers       (default "gc", for bytes per op; "" for none)
#   JMH_EXTRA_ARGS         more JMH options, appended as they are (word-split)
#   BENCH_NOTE             a sentence on the conditions, shown in the doc
#   BENCH_DOC              the doc to update                   (default docs/benchmarks.md)
#   REPORT_ONLY            1: skip build and run, regenerate from the last result file
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

forks="${JMH_FORKS:-2}"
wi="${JMH_WARMUP_ITERATIONS:-5}"
w="${JMH_WARMUP_TIME:-1s}"
i="${JMH_ITERATIONS:-5}"
r="${JMH_TIME:-1s}"
profilers="${JMH_PROFILERS-gc}"
extra="${JMH_EXTRA_ARGS:-}"
note="${BENCH_NOTE:-}"
doc="${BENCH_DOC:-docs/benchmarks.md}"

jar=benchmarks/target/benchmarks.jar
results=benchmarks/target/jmh-tokens.json
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# the command that reproduces this run, as the doc shows it
command="JMH_FORKS=$forks JMH_WARMUP_ITERATIONS=$wi JMH_WARMUP_TIME=$w JMH_ITERATIONS=$i JMH_TIME=$r"
command+=" JMH_PROFILERS=\"$profilers\""
[ -z "$extra" ] || command+=" JMH_EXTRA_ARGS=\"$extra\""
command+=" benchmarks/run.sh"

if [ "${REPORT_ONLY:-0}" != 1 ]; then
  echo "Building $jar ..."
  mvn -q -pl benchmarks -am package -DskipTests

  jmh_args=('org\.smtpcr\.benchmarks\.TokenBenchmark\.' -f "$forks" -wi "$wi" -w "$w" -i "$i" -r "$r"
    -bm avgt -tu ns -rf json -rff "$results")
  for p in $profilers; do jmh_args+=(-prof "$p"); done
  # shellcheck disable=SC2206 # word splitting of the extra options is intended
  [ -z "$extra" ] || jmh_args+=($extra)

  load_before="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)"
  # kept beside the results, so REPORT_ONLY shows the conditions of the run, not of today
  printf '%s\n' "$load_before" > "$results.load"
  printf '%s\n' "$command" > "$results.command"
  printf '%s\n' "$note" > "$results.note"
  date -u '+%Y-%m-%d %H:%M UTC' > "$results.date"
  echo "Running: $java -jar $jar ${jmh_args[*]}"
  "$java" -jar "$jar" "${jmh_args[@]}"
fi

[ -f "$results" ] || { echo "run.sh: no result file $results; run without REPORT_ONLY first" >&2; exit 1; }
"$java" -cp "$jar" org.smtpcr.benchmarks.Report tokens --results "$results" --doc "$doc" \
  --command "$(cat "$results.command" 2>/dev/null || echo "$command")" \
  --note "${BENCH_NOTE:-$(cat "$results.note" 2>/dev/null || true)}" \
  --load-before "$(cat "$results.load" 2>/dev/null || true)" \
  --date "$(cat "$results.date" 2>/dev/null || true)"
