#!/usr/bin/env bash
# What each of logs and traces out (file-log, http-log, opentelemetry) costs on top of GitInsight's
# plugin set, measured in ONE gateway JVM whose watched configuration is swapped between variants
# (same JIT, same heap: a whole-process before/after across two runs moves by more than the effect
# on a small machine). For each variant: a warm-up (PLUGIN_COST_WARMUP s, 20 by default: after a
# switch the JIT recompiles for a while, its interpreted code counted on the request threads), then
# wrk for SECONDS; the gateway's CPU is
# read per thread from /proc and reported in us per request by thread group:
#   req (request threads), log (file-log and http-log writers), otel (batch processor, exporter,
#   its HTTP client), gc, jit, other
#   scripts/plugin-cost.sh [ROUNDS [SECONDS]]     default 3 rounds of 20 s, after a 120 s warm-up
#   PLUGIN_COST_VARIANTS="base file-log"          only those variants, in that order, each round
#   scripts/plugin-cost.sh --paired [CYCLES [SECONDS]]   default 40 cycles of 5 s windows: no
#                                                 configuration swap; each plugin on a route of
#                                                 its own, picked by a header, base and plugin
#                                                 windows alternating (see paired() below)
#   PLUGIN_COST_PROFILE=/path/libasyncProfiler.so  a CPU profile of each measured window (attached by
#                                                 jcmd), kept as $TMPDIR/plugin-cost-ROUND-VARIANT.collapsed;
#                                                 each plugin's share of the samples is printed against
#                                                 the base window before it in its round (the README's figures)
# Then each plugin window's whole-process CPU per request over the base windows either side of it,
# and the median of those per variant (the machine's noise comes in bursts).
# Needs ../shared/tools/peer-bench.sh (backends, wrk) as scripts/bench.sh does. Linux only (/proc).
set -euo pipefail
cd "$(dirname "$0")/.."
paired=0
if [[ ${1:-} == --paired ]]; then
  paired=1
  shift
fi
rounds=${1:-$((paired ? 40 : 3))}
seconds=${2:-$((paired ? 5 : 20))}
port=${BENCH_GATEWAY_PORT:-19095}
work=$(mktemp -d)
log=$work/serve.log

BENCH_PLUGINS=1 BENCH_SHIP=1 BENCH_GATEWAY_PORT=$port setsid scripts/bench.sh --serve 7200 --targets gateway >"$log" 2>&1 &
serve=$!
cleanup() {
  kill -- -"$serve" 2>/dev/null || true
  pkill -f "gateway.config=$config_dir/bench.yml" 2>/dev/null || true
  rm -rf "$work"
}
config_dir=/nonexistent
trap cleanup EXIT
for _ in $(seq 200); do
  grep -q "serving for" "$log" && break
  sleep 3
done
grep -q "serving for" "$log" || { echo "the gateway did not start; see below" >&2; tail -20 "$log" >&2; exit 1; }
pid=$(pgrep -n -f "gateway.config=.*/bench.yml")
config=$(tr '\0' '\n' <"/proc/$pid/environ" | sed -n 's/^GATEWAY_CONFIG=//p')
config_dir=$(dirname "$config")
echo "gateway pid $pid, configuration $config"

# Variants: the served file (all three on) without some of its plugin blocks (two lines each).
without() {
  awk -v drop="$1" 'BEGIN { n = split(drop, d, ",") }
    { for (i = 1; i <= n; i++) if ($0 == "  - name: " d[i]) { getline; next } print }' "$config"
}
cp "$config" "$work/all.yml"
without opentelemetry,file-log,http-log >"$work/base.yml"
without opentelemetry,http-log >"$work/file-log.yml"
without opentelemetry,file-log >"$work/http-log.yml"
without file-log,http-log >"$work/opentelemetry.yml"
# PLUGIN_COST_VARIANTS="base file-log" measures only those, in that order, each round.
read -r -a variants <<<"${PLUGIN_COST_VARIANTS:-base file-log base http-log base opentelemetry base all}"

secret=bench-secret-for-hs256-tokens
b64() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64)
payload=$(printf '{"kid":"bench-key","exp":%d}' $(($(date +%s) + 86400)) | b64)
token="$header.$payload.$(printf '%s.%s' "$header" "$payload" | openssl dgst -binary -sha256 -hmac "$secret" | b64)"
url="http://127.0.0.1:$port/api/small?jwt=$token"

# Ticks (1/100 s) of each thread, as "tid group ticks" lines.
ticks() {
  for f in /proc/"$pid"/task/*/stat; do cat "$f" 2>/dev/null || true; done | awk '
    { line = $0; name = substr(line, index(line, "(") + 1); name = substr(name, 1, match(name, /\) [A-Z] /) - 1)
      rest = substr(line, match(line, /\) [A-Z] /) + 2); split(rest, f, " ")
      g = "other"
      if (name ~ /^http-thread-poo|^http-listener/) g = "req"
      else if (name ~ /^gateway-http-lo|^gateway-file-lo/) g = "log"
      else if (name ~ /^BatchSpanProces|^HttpClient|^jdkhttp/) g = "otel"
      else if (name ~ /^GC Thread|^G1/) g = "gc"
      else if (name ~ /Compiler/) g = "jit"
      print $1, g, f[12] + f[13] }'
}
# Requests answered in $1 seconds; a run with any answer but 2xx/3xx stops the script (a wrong token
# would otherwise measure 401s).
requests() {
  local out
  out=$(wrk -t2 -c64 -d"$1"s ${2:+-H "$2"} "$url")
  if grep -q "Non-2xx or 3xx" <<<"$out"; then
    echo "the gateway answered errors during the run:" >&2
    echo "$out" >&2
    exit 1
  fi
  awk '/requests in/ { print $1 }' <<<"$out"
}

# async-profiler, loaded into the running gateway (each load passes it one command).
profile() {
  [ -n "${PLUGIN_COST_PROFILE:-}" ] || return 0
  # Quoted again: jcmd would read the "=" in the command as its own argument names.
  jcmd "$pid" JVMTI.agent_load "$PLUGIN_COST_PROFILE" "\"$1\"" >/dev/null
}

# A profile's shares of the gateway's CPU samples, as "own req gc" (percent): the log and trace
# writers' threads; the request-thread samples whose deepest frame of those plugins' own code
# (logging, tracing, runtime.HeadLines, the OpenTelemetry SDK) does not hand on to the rest of the
# chain (the plugin's own work, not the plugins and backend call it wraps); the GC threads.
shares() {
  awk '
    { n = $NF; line = $0; sub(/ [0-9]+$/, "", line); k = split(line, f, ";"); total += n; th = f[1]
      if (th ~ /GC Thread|G1 /) { gc += n; next }
      if (th ~ /BatchSpanProcessor|gateway-otlp|gateway-http-log|gateway-file-log/) { own += n; next }
      if (th !~ /http-thread-pool|http-listener\(/) next
      L = 0
      for (i = 2; i <= k; i++) if (f[i] ~ /gateway[\/.]logging[\/.]|gateway[\/.]tracing[\/.]|runtime[\/.]HeadLines|io[\/.]opentelemetry/) L = i
      if (L == 0) next
      for (i = L + 1; i <= k; i++) if (f[i] ~ /PluginFilters\$Chain|FilterChain|HttpFilter.doFilter|org[\/.]apache[\/.]catalina|org[\/.]glassfish|jakarta[\/.]servlet|fish[\/.]payara|gateway[\/.]proxy[\/.]/) next
      req += n }
    END { if (total) printf "%.2f %.2f %.2f\n", 100 * own / total, 100 * req / total, 100 * gc / total }' "$1"
}

set_config() {
  : >"$config_dir/requests.log" # file-log's output: several MB a second
  cp "$work/$1.yml" "$config.tmp" && mv "$config.tmp" "$config"
  sleep 2
}

# The gateway process's CPU ticks (1/100 s), its ended threads included.
process_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat"
}

# Paired: the swapped configuration's windows move with the machine's noise (neighbouring base
# windows 25-40% apart on a shared VM), more than the 5% to be seen. Here nothing is swapped: the
# base file gets one more route per plugin, the api route again with that plugin on it, picked by
# the header x-bench-variant (the base requests send one too, naming no route, so both carry the
# same headers and the router looks at the same routes). Short windows of base and plugin traffic
# alternate in one warm JVM; each plugin window is compared with the base windows either side of
# it, and the median of those is printed with the ratio of the sums. The whole process's CPU.
if ((paired)); then
  read -r -a shipped <<<"${PLUGIN_COST_VARIANTS:-http-log file-log opentelemetry}"
  route=$(sed -n '/^routes:$/,/^consumers:$/p' "$work/base.yml" | sed '1d;$d')
  grep -qx '    plugins:' <<<"$route" || { echo "the bench route has no plugins: list" >&2; exit 1; }
  {
    sed '/^consumers:$/,$d' "$work/base.yml"
    for v in "${shipped[@]}"; do
      block=$(grep -A1 -x "  - name: $v" "$work/all.yml" | sed 's/^/    /')
      [ -n "$block" ] || { echo "no $v in the served file" >&2; exit 1; }
      BLOCK=$block awk -v v="$v" '
        $0 == "  - name: api" { print "  - name: api-" v; next }
        $0 == "    paths: [/api]" { print; print "    headers: {x-bench-variant: [" v "]}"; next }
        $0 == "    plugins:" { print; print ENVIRON["BLOCK"]; next }
        { print }' <<<"$route"
    done
    sed -n '/^consumers:$/,$p' "$work/base.yml"
  } >"$work/paired.yml"
  set_config paired
  echo "warming up for ${BENCH_WARMUP:-120} s (base and plugin requests alternating)"
  end=$((SECONDS + ${BENCH_WARMUP:-120}))
  while ((SECONDS < end)); do
    for v in base "${shipped[@]}"; do requests 10 "x-bench-variant: $v" >/dev/null; done
  done
  # With PLUGIN_COST_PROFILE, the first PLUGIN_COST_PROFILE_CYCLES (3) cycles are profiled too.
  profiled=${PLUGIN_COST_PROFILE_CYCLES:-3}
  for c in $(seq "$rounds"); do
    for v in base "${shipped[@]}"; do
      ((c > profiled)) || profile "start,event=cpu,interval=1ms,threads"
      before=$(process_ticks)
      n=$(requests "$seconds" "x-bench-variant: $v")
      after=$(process_ticks)
      ((c > profiled)) || profile "stop,collapsed,file=$work/profile-$c-$v.collapsed"
      echo "$c $v $n $((after - before))"
    done
  done >"$work/windows"
  before=$(process_ticks)
  n=$(requests "$seconds" "x-bench-variant: base")
  echo "$((rounds + 1)) base $n $(($(process_ticks) - before))" >>"$work/windows"
  awk -v s="$seconds" '{ us = $4 * 10000 / $3; printf "cycle %d %-13s %6.0f req/s  total %6.1f us/request\n", $1, $2, $3 / s, us }' "$work/windows"
  echo "whole process, each plugin window over the base windows either side of it:"
  awk '{ v = $2; us = $4 * 10000 / $3 }
    v == "base" { for (i = 0; i < open; i++) after[pending[i]] = us; open = 0; base = us; bt += $4; bn += $3; next }
    { n++; name[n] = v; total[n] = us; before[n] = base; pending[open++] = n; t[v] += $4; q[v] += $3 }
    END {
      for (i = 1; i <= n; i++) {
        r = 100 * (total[i] - (before[i] + after[i]) / 2) / ((before[i] + after[i]) / 2)
        k = ++count[name[i]]; ratio[name[i], k] = r
      }
      for (v in count) {
        m = count[v]
        for (a = 1; a <= m; a++) for (c = a + 1; c <= m; c++) if (ratio[v, c] < ratio[v, a]) { x = ratio[v, a]; ratio[v, a] = ratio[v, c]; ratio[v, c] = x }
        med = m % 2 ? ratio[v, (m + 1) / 2] : (ratio[v, m / 2] + ratio[v, m / 2 + 1]) / 2
        lo = ratio[v, int(m / 4) + 1]; hi = ratio[v, m - int(m / 4)]
        printf "  %-13s median %+5.1f%% of %d windows (middle half %+.1f to %+.1f%%); sums: %.1f over %.1f us/request, %+.1f%%\n",
          v, med, m, lo, hi, t[v] * 10000 / q[v], bt * 10000 / bn, 100 * (t[v] / q[v] - bt / bn) / (bt / bn)
      }
    }' "$work/windows"
  if [ -n "${PLUGIN_COST_PROFILE:-}" ]; then
    echo "profiled shares of the gateway's CPU in the first $profiled cycles (its threads, its frames on the request threads and GC over the base's):"
    for v in base "${shipped[@]}"; do
      cat "$work"/profile-*-"$v".collapsed >"${TMPDIR:-/tmp}/plugin-cost-paired-$v.collapsed"
      read -r own req gc < <(shares "${TMPDIR:-/tmp}/plugin-cost-paired-$v.collapsed")
      if [[ $v == base ]]; then
        breq=$req bgc=$gc
      else
        awk -v v="$v" -v o="$own" -v r="$req" -v g="$gc" -v br="$breq" -v bg="$bgc" 'BEGIN {
          printf "  %-13s %.2f%%  (threads %.2f, request threads %+.2f, gc %+.2f)\n", v, o + r - br + g - bg, o, r - br, g - bg }'
      fi
    done
  fi
  exit 0
fi

set_config all
echo "warming up for ${BENCH_WARMUP:-120} s (every plugin on)"
requests "${BENCH_WARMUP:-120}" >/dev/null

results=$work/results
for r in $(seq "$rounds"); do
  for v in "${variants[@]}"; do
    set_config "$v"
    requests "${PLUGIN_COST_WARMUP:-20}" >/dev/null
    profile "start,event=cpu,interval=1ms,threads"
    ticks >"$work/before"
    n=$(requests "$seconds")
    ticks >"$work/after"
    profile "stop,collapsed,file=${TMPDIR:-/tmp}/plugin-cost-$r-$v.collapsed"
    awk -v v="$v" -v r="$r" -v n="$n" -v s="$seconds" '
      FNR == NR { before[$1] = $3; next }
      # Per thread: one that ended in between (a retired queue'"'"'s) is left out, one that started counts whole.
      { d = $3 - ($1 in before ? before[$1] : 0); us[$2] += d * 10000 / n; total += d * 10000 / n }
      END { printf "round %d %-13s %6.0f req/s  req %6.1f  log %5.1f  otel %5.1f  gc %4.1f  jit %4.1f  other %4.1f  total %6.1f us/request\n",
              r, v, n / s, us["req"], us["log"], us["otel"], us["gc"], us["jit"], us["other"], total }' \
      "$work/before" "$work/after" | tee -a "$results"
    if [ -n "${PLUGIN_COST_PROFILE:-}" ]; then
      read -r own req gc < <(shares "${TMPDIR:-/tmp}/plugin-cost-$r-$v.collapsed") || true
      echo "$r $v $own $req $gc" >>"$work/profiles"
      echo "        profile: its threads $own%, its frames on the request threads $req%, gc $gc% of the samples"
    fi
  done
done
echo "means:"
awk '{ key = $3; c[key]++; for (i = 6; i <= 18; i += 2) { sum[key, $i] += $(i + 1) } names[key] = 1 }
  END { for (k in names) printf "%-13s req %6.1f  log %5.1f  otel %5.1f  gc %4.1f  jit %4.1f  other %4.1f  total %6.1f\n",
          k, sum[k, "req"] / c[k], sum[k, "log"] / c[k], sum[k, "otel"] / c[k], sum[k, "gc"] / c[k], sum[k, "jit"] / c[k],
          sum[k, "other"] / c[k], sum[k, "total"] / c[k] }' "$results" | sort
# The machine's noise comes in bursts and drifts (neighbouring base windows 40% apart on a busy
# day): each plugin window against the mean of the base windows either side of it (the one before
# alone where none follows), and the median of those per variant, which one burst does not move.
echo "whole process, each window over the base windows either side of it:"
awk '{ v = $3; t = $(NF - 1) }
  v == "base" { for (i = 0; i < open; i++) after[pending[i]] = t; open = 0; base = t; seen = 1; next }
  seen { n++; name[n] = v; total[n] = t; before[n] = base; pending[open++] = n }
  END {
    for (i = 1; i <= n; i++) {
      b = (i in after) ? (before[i] + after[i]) / 2 : before[i]
      r = 100 * (total[i] - b) / b
      printf "  %-13s %6.1f us over %6.1f: %+6.1f%%\n", name[i], total[i], b, r
      k = ++count[name[i]]; ratio[name[i], k] = r
    }
    for (v in count) {
      m = count[v]
      for (a = 1; a <= m; a++) for (c = a + 1; c <= m; c++) if (ratio[v, c] < ratio[v, a]) { x = ratio[v, a]; ratio[v, a] = ratio[v, c]; ratio[v, c] = x }
      med = m % 2 ? ratio[v, (m + 1) / 2] : (ratio[v, m / 2] + ratio[v, m / 2 + 1]) / 2
      printf "  median %-13s %+6.1f%% of %d windows\n", v, med, m
    }
  }' "$results"
if [ -s "$work/profiles" ]; then
  # Each plugin window against the base window before it in its round: its threads, plus its
  # request-thread frames and GC over the base's (the base's are the filters' own checks and its
  # garbage). A window with no base before it in its round is not counted.
  echo "profiled shares of the gateway's CPU (against the base window before it):"
  awk '$2 == "base" { breq[$1] = $4; bgc[$1] = $5; next }
    $1 in breq { printf "round %d %-13s %.2f%%  (threads %.2f, request threads +%.2f, gc %+.2f)\n", $1, $2,
                   $3 + $4 - breq[$1] + $5 - bgc[$1], $3, $4 - breq[$1], $5 - bgc[$1] }' \
    "$work/profiles" | sort
fi
