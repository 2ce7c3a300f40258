#!/usr/bin/env bash
# Gateway benchmark (issue 7): the same echo backend (a) direct, (b) behind the gateway with
# authentication, rate limiting (Redis) and request ids on, (c) behind a bare YARP proxy and
# (d) behind nginx grpc_pass, driven by h2load at full load and at a fixed rate. See README.md.
#
# usage: tools/Benchmarks/Gateway/run.sh [--requests N] [--clients C] [--streams M] [--rate R]
#                                        [--rate-seconds S] [--rounds K] [--warmup N] [--redis host:port] [--variants]
set -euo pipefail

REQUESTS=30000      # per full-load run
CLIENTS=8           # h2load connections at full load
STREAMS=10          # concurrent streams per connection at full load
RATE=1000           # calls/s of the fixed-rate run
RATE_CLIENTS=4
RATE_SECONDS=5
ROUNDS=3            # full-load and fixed-rate runs of every target, interleaved; medians are reported
WARMUP=30000        # calls per target before the first round: until tiered compilation has settled
REDIS="${VT_TEST_REDIS:-127.0.0.1:56700}"
VARIANTS=0          # also gateways with the access log and/or the rate limit off (cost per middleware)

while [[ $# -gt 0 ]]; do
  case "$1" in
    --requests) REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --streams) STREAMS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --rate-seconds) RATE_SECONDS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --redis) REDIS="$2"; shift 2 ;;
    --variants) VARIANTS=1; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

for tool in h2load nginx curl dotnet; do
  command -v "$tool" >/dev/null || { echo "needs $tool (apt-get install -y nghttp2-client nginx curl)" >&2; exit 2; }
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
WORK="$(mktemp -d -t vt-gateway-bench.XXXXXX)"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Everything on loopback, one address per process.
BACKEND_IP=127.0.0.71; BACKEND_GRPC=50071; BACKEND_HTTP=50072
GATEWAY_IP=127.0.0.72; GATEWAY_GRPC=50073; GATEWAY_HTTP=50074
YARP_IP=127.0.0.73; YARP_PORT=50075
NGINX_IP=127.0.0.74; NGINX_PORT=50076
METHOD=/veiligthuis.bench.v1.Echo/Ping

echo "== building (Release)"
for project in tools/Benchmarks/Gateway/GatewayBench.csproj services/Gateway/Gateway.csproj tools/TokenMint/TokenMint.csproj; do
  dotnet build -c Release -nologo -v q "$ROOT/$project" >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log"; exit 1; }
done
BENCH="$ROOT/tools/Benchmarks/Gateway/bin/Release/net10.0/Veiligthuis.Benchmarks.Gateway.dll"
GATEWAY_DIR="$ROOT/services/Gateway/bin/Release/net10.0"

# A gRPC frame: no compression, 4-byte big-endian length, then PingRequest { payload: "ping" }.
printf '\x00\x00\x00\x00\x06\x0a\x04ping' >"$WORK/ping.bin"

# A development signing key for this run only, and a token of one caller of one regio.
SIGNING_KEY="$(head -c 32 /dev/urandom | base64 -w0)"
TOKEN="$(dotnet "$ROOT/tools/TokenMint/bin/Release/net10.0/Veiligthuis.TokenMint.dll" \
  --regio vt-utrecht --subject gateway-bench --signing-key "$SIGNING_KEY" --lifetime-minutes 60)"

declare -A PID_OF
start() { # name, command...
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
  PID_OF[$name]=$!
}

# CPU time (clock ticks, user + system) of a process and its children (nginx's workers): on a shared
# machine the CPU a proxy spends per call is a steadier measure than calls per second.
cpu_ticks() { # pid
  local total=0 pid fields
  for pid in "$1" $(ps -o pid= --ppid "$1"); do
    read -r -a fields <"/proc/$pid/stat" || continue
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}
TICK_US=$((1000000 / $(getconf CLK_TCK)))

echo "== starting backend, gateway(s), bare YARP, nginx"
start backend dotnet "$BENCH" backend "$BACKEND_IP" "$BACKEND_GRPC" "$BACKEND_HTTP"
start bare-yarp dotnet "$BENCH" bare-yarp "$YARP_IP" "$YARP_PORT" "http://$BACKEND_IP:$BACKEND_GRPC"

# Only the bench backend (not the six services of the shipped appsettings.json); logging as shipped.
start_gateway() { # name, grpc port, http port, extra VAR=value...
  local name="$1" grpc="$2" http="$3"; shift 3
  mkdir -p "$WORK/$name"
  cat >"$WORK/$name/appsettings.json" <<'JSON'
{ "Logging": { "LogLevel": { "Default": "Information", "Microsoft.AspNetCore": "Warning", "Yarp": "Warning" } },
  "AllowedHosts": "*" }
JSON
  start "$name" env ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_CONTENTROOT="$WORK/$name" \
    Kestrel__Endpoints__Grpc__Url="http://$GATEWAY_IP:$grpc" Kestrel__Endpoints__Grpc__Protocols=Http2 \
    Kestrel__Endpoints__Http__Url="http://$GATEWAY_IP:$http" Kestrel__Endpoints__Http__Protocols=Http1 \
    Services__bench__Grpc="http://$BACKEND_IP:$BACKEND_GRPC" Services__bench__Http="http://$BACKEND_IP:$BACKEND_HTTP" \
    Auth__SigningKey="$SIGNING_KEY" ConnectionStrings__redis="$REDIS" \
    Gateway__RateLimit__PermitsPerWindow=1000000000 Gateway__RateLimit__KeyPrefix="vt:bench:gateway:$$:$name:" \
    "$@" dotnet "$GATEWAY_DIR/Veiligthuis.Gateway.dll"
}
start_gateway gateway "$GATEWAY_GRPC" "$GATEWAY_HTTP"
TARGETS=(direct gateway bare-yarp nginx)
declare -A URL=(
  [direct]="http://$BACKEND_IP:$BACKEND_GRPC$METHOD"
  [gateway]="http://$GATEWAY_IP:$GATEWAY_GRPC$METHOD"
  [bare-yarp]="http://$YARP_IP:$YARP_PORT$METHOD"
  [nginx]="http://$NGINX_IP:$NGINX_PORT$METHOD"
)
if [[ $VARIANTS == 1 ]]; then
  start_gateway gateway-no-accesslog 50077 50078 Logging__LogLevel__Veiligthuis.Gateway.AccessLog=Warning
  start_gateway gateway-no-ratelimit 50079 50080 Gateway__RateLimit__PermitsPerWindow=0
  start_gateway gateway-no-both 50081 50082 Logging__LogLevel__Veiligthuis.Gateway.AccessLog=Warning Gateway__RateLimit__PermitsPerWindow=0
  # Telemetry as without an OTLP endpoint, but with the OpenTelemetry SDK (traces, metrics) off.
  start_gateway gateway-no-telemetry 50083 50084 OTEL_SDK_DISABLED=true
  URL[gateway-no-telemetry]="http://$GATEWAY_IP:50083$METHOD"
  URL[gateway-no-accesslog]="http://$GATEWAY_IP:50077$METHOD"
  URL[gateway-no-ratelimit]="http://$GATEWAY_IP:50079$METHOD"
  URL[gateway-no-both]="http://$GATEWAY_IP:50081$METHOD"
  TARGETS+=(gateway-no-accesslog gateway-no-ratelimit gateway-no-both gateway-no-telemetry)
fi

mkdir -p "$WORK/nginx-temp"
cat >"$WORK/nginx.conf" <<NGINX
daemon off;
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  # The default of 1,000 calls per client connection would close h2load's connections mid-run.
  keepalive_requests 10000000;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  # Kept-alive upstream connections, none closed after its 1,000th call (nginx's default): nginx grpc_pass
  # uses one upstream connection per call in flight, so reconnects would be nginx's handicap, not its design.
  upstream backend { server $BACKEND_IP:$BACKEND_GRPC; keepalive 256; keepalive_requests 10000000; keepalive_timeout 300s; }
  server {
    listen $NGINX_IP:$NGINX_PORT http2;
    http2_max_concurrent_streams 1000;
    location / { grpc_pass grpc://backend; }
  }
}
NGINX
start nginx nginx -p "$WORK" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"

# One real call per target, checking grpc-status 0 in the trailers, until it answers (60 s at most).
grpc_ok() { # url [auth header]
  curl -s --http2-prior-knowledge --max-time 5 -X POST -H 'content-type: application/grpc' -H 'te: trailers' \
    ${2:+-H "$2"} --data-binary @"$WORK/ping.bin" -D - -o /dev/null "$1" 2>/dev/null | grep -qi '^grpc-status: *0'
}
AUTH="authorization: Bearer $TOKEN"
# Every target gets the same request, token included (a real client always sends it): bare YARP and
# nginx forward it to the backend as the gateway does, and the backend ignores it. Only the
# gateway checks it.
auth_for() { echo "$AUTH"; }
for target in "${TARGETS[@]}"; do
  deadline=$((SECONDS + 60))
  until grpc_ok "${URL[$target]}" "$(auth_for "$target")"; do
    if ((SECONDS > deadline)); then
      echo "$target did not answer with grpc-status 0; its log:" >&2
      cat "$WORK/$target.log" "$WORK/nginx-error.log" 2>/dev/null | tail -20 >&2
      exit 1
    fi
    sleep 0.5
  done
done
# The gateway refuses a call without a token: the authentication is really on.
if grpc_ok "${URL[gateway]}" ""; then echo "gateway accepted a call without a token" >&2; exit 1; fi

load() { # target, log file, h2load options...
  local target="$1" log="$2"; shift 2
  local header; header="$(auth_for "$target")"
  h2load "${URL[$target]}" -d "$WORK/ping.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
    ${header:+-H "$header"} --log-file="$log" "$@" >"$log.out" 2>&1
  if ! grep -q "succeeded, 0 failed, 0 errored" "$log.out"; then
    echo "$target: h2load reported failures:" >&2; grep -E 'requests:|status codes:' "$log.out" >&2; exit 1
  fi
}

# p50 and p99 (ms) of a --log-file (third column: microseconds to the end of the response);
# throughput: requests over the span from the first start to the last end.
stats() { # log file -> "rps p50 p99"
  awk '{ n++; start = $1; end = $1 + $3; if (n == 1 || start < first) first = start; if (end > last) last = end; print $3 }
       END { printf "%.0f\n", n / ((last - first) / 1e6) > "/dev/stderr" }' "$1" 2>"$1.rps" | sort -n >"$1.sorted"
  local n; n=$(wc -l <"$1.sorted")
  local p50 p99
  p50=$(sed -n "$(( (n * 50 + 99) / 100 ))p" "$1.sorted")
  p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$1.sorted")
  echo "$(cat "$1.rps") $(awk -v v="$p50" 'BEGIN{printf "%.2f", v/1000}') $(awk -v v="$p99" 'BEGIN{printf "%.2f", v/1000}')"
}

PID_OF[direct]=${PID_OF[backend]}

echo "== warm-up"
# The same number of calls for every target. 5,000 (before 2026-11-23 18:15) left the gateway, which has
# more code to compile, in tier-0 and PGO-instrumented code during the first round; a proxy is measured
# as it runs for days.
for target in "${TARGETS[@]}"; do load "$target" "$WORK/warm-$target" -n "$WARMUP" -c "$CLIENTS" -m "$STREAMS"; done

echo "== uptime before: $(uptime)"
RESULTS="$WORK/results"
: >"$RESULTS"
for round in $(seq 1 "$ROUNDS"); do
  for target in "${TARGETS[@]}"; do
    cpu_before=$(cpu_ticks "${PID_OF[$target]}")
    load "$target" "$WORK/full-$target-$round" -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS"
    cpu_us=$(( ($(cpu_ticks "${PID_OF[$target]}") - cpu_before) * TICK_US / REQUESTS ))
    echo "$target full $(stats "$WORK/full-$target-$round") $cpu_us" >>"$RESULTS"
  done
  for target in "${TARGETS[@]}"; do
    load "$target" "$WORK/rate-$target-$round" -n $((RATE * RATE_SECONDS)) -c "$RATE_CLIENTS" -m 1 --rps $((RATE / RATE_CLIENTS))
    echo "$target rate $(stats "$WORK/rate-$target-$round")" >>"$RESULTS"
  done
  echo "   round $round done"
done
echo "== uptime after: $(uptime)"

median() { # target, mode, column (3 rps, 4 p50, 5 p99, 6 CPU µs per call of the target's process)
  awk -v t="$1" -v m="$2" -v c="$3" '$1 == t && $2 == m { print $c }' "$RESULTS" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

echo
echo "Full load: -n $REQUESTS -c $CLIENTS -m $STREAMS; fixed rate: $RATE calls/s (-c $RATE_CLIENTS --rps $((RATE / RATE_CLIENTS)), $RATE_SECONDS s); median of $ROUNDS rounds"
echo
echo "| target | full load calls/s | full p50 ms | full p99 ms | ${RATE}/s p50 ms | ${RATE}/s p99 ms | CPU µs/call |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for target in "${TARGETS[@]}"; do
  echo "| $target | $(median "$target" full 3) | $(median "$target" full 4) | $(median "$target" full 5) | $(median "$target" rate 4) | $(median "$target" rate 5) | $(median "$target" full 6) |"
done
echo
awk -v g="$(median gateway full 3)" -v y="$(median bare-yarp full 3)" -v n="$(median nginx full 3)" -v d="$(median direct full 3)" \
    -v gp="$(median gateway rate 5)" -v dp="$(median direct rate 5)" \
    -v gc="$(median gateway full 6)" -v yc="$(median bare-yarp full 6)" -v nc="$(median nginx full 6)" 'BEGIN {
  printf "gateway / bare YARP throughput: %.2f (aim >= 0.8)\n", g / y
  printf "gateway / nginx throughput:     %.2f (aim >= 2)\n", g / n
  printf "bare YARP / direct throughput:  %.2f; bare YARP / nginx: %.2f\n", y / d, y / n
  printf "gateway p99 - direct p99 at the fixed rate: %.2f ms (aim <= 1)\n", gp - dp
  printf "proxy CPU per call: gateway %d us, bare YARP %d us, nginx %d us; calls per CPU second, gateway / bare YARP: %.2f, gateway / nginx: %.2f\n", gc, yc, nc, yc / gc, nc / gc
}'
# The ratios per round (each from runs minutes apart at most), then their median: steadier on a shared
# machine than a ratio of medians taken from different rounds.
round_ratio() { # expression over g y n d gp dp gc yc nc, per round -> median
  local r out=()
  for r in $(seq 1 "$ROUNDS"); do
    out+=("$(awk -v r="$r" -v rounds="$ROUNDS" -v nt="${#TARGETS[@]}" -v expr="$1" '
      { i = NR - 1; round = int(i / (2 * nt)) + 1 }
      round == r && $2 == "full" { rps[$1] = $3; cpu[$1] = $6 }
      round == r && $2 == "rate" { p99[$1] = $5 }
      END {
        g = rps["gateway"]; y = rps["bare-yarp"]; n = rps["nginx"]; d = rps["direct"]
        gc = cpu["gateway"]; yc = cpu["bare-yarp"]; nc = cpu["nginx"]
        if (expr == "gy") v = g / y; else if (expr == "gn") v = g / n; else if (expr == "yn") v = y / n
        else if (expr == "dp99") v = p99["gateway"] - p99["direct"]; else if (expr == "cgy") v = yc / gc; else if (expr == "cgn") v = nc / gc
        printf "%.2f\n", v
      }' "$RESULTS")")
  done
  printf '%s\n' "${out[@]}" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'
  printf ' (rounds: %s)' "$(IFS=' '; echo "${out[*]}")"
}
echo
echo "Median of the per-round ratios:"
echo "  gateway / bare YARP throughput: $(round_ratio gy) (aim >= 0.8)"
echo "  gateway / nginx throughput:     $(round_ratio gn) (aim >= 2)"
echo "  bare YARP / nginx throughput:   $(round_ratio yn)"
echo "  gateway p99 - direct p99 at ${RATE}/s: $(round_ratio dp99) ms (aim <= 1)"
echo "  calls per CPU second, gateway / bare YARP: $(round_ratio cgy); gateway / nginx: $(round_ratio cgn)"
echo
echo "Per round (target mode calls/s p50 p99 [CPU µs/call]):"
cat "$RESULTS"
