#!/usr/bin/env bash
#
# tools/Benchmarks/CreateMelding/run.sh — CreateMelding throughput and latency, directly at intake and
# through the gateway, beside a bare gRPC greeter, in one run on this machine (issue 4).
#
# Starts its own durable PostgreSQL (fsync and synchronous_commit on: every CreateMelding is committed
# with its outbox row) on 127.0.0.1:55800 and Redis on 127.0.0.1:56800 (tools/infra/lib.sh, state in
# .local/bench-createmelding/), builds Intake, Gateway and this tool in Release, starts the greeter,
# intake and gateway on 127.0.0.2 in the Production environment (JSON logs, as deployed; stdout to
# .local/bench-createmelding/*.log), runs the load and stops everything it started.
#
#   tools/Benchmarks/CreateMelding/run.sh [--concurrency 64] [--seconds 15] [--rate 500] [--warmup-seconds 20]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
REPO_ROOT=$(pwd -P)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# shellcheck source=tools/infra/lib.sh
source tools/infra/lib.sh

NAME=bench-createmelding
PG_PORT=55800
REDIS_PORT=56800
HOST=127.0.0.2
STATE=$REPO_ROOT/.local/$NAME
mkdir -p "$STATE"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  vt_redis_stop "$NAME" || true
  vt_pg_stop "$NAME" || true
}
trap cleanup EXIT


vt_ensure_servers_installed
# A fresh cluster per run, so every run inserts into the same empty tables.
vt_pg_destroy "$NAME" || true
vt_pg_start "$NAME" "$PG_PORT"
vt_redis_start "$NAME" "$REDIS_PORT"
INTAKE_DB=$(vt_pg_create_service_db "$PG_PORT" intake)

echo "Building (Release)..."
for project in services/Intake services/Gateway tools/Benchmarks/CreateMelding; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done

SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
common=(ASPNETCORE_ENVIRONMENT=Production Auth__Issuer=veiligthuis-dev Auth__Audience=veiligthuis
  "Auth__SigningKey=$SIGNING_KEY" "ConnectionStrings__redis=127.0.0.1:$REDIS_PORT" Eventing__Transport=Redis)

(cd tools/Benchmarks/CreateMelding/bin/Release/net10.0 &&
  exec dotnet Veiligthuis.Benchmarks.CreateMelding.dll greeter --port 5220) </dev/null >"$STATE/greeter.log" 2>&1 &
PIDS+=($!)
(cd services/Intake/bin/Release/net10.0 && exec env "${common[@]}" "ConnectionStrings__intake=$INTAKE_DB" \
  "Kestrel__Endpoints__Grpc__Url=http://$HOST:5210" "Kestrel__Endpoints__Http__Url=http://$HOST:5211" \
  dotnet Veiligthuis.Intake.dll) </dev/null >"$STATE/intake.log" 2>&1 &
PIDS+=($!)
(cd services/Gateway/bin/Release/net10.0 && exec env "${common[@]}" \
  "Services__intake__Grpc=http://$HOST:5210" "Services__intake__Http=http://$HOST:5211" \
  "Kestrel__Endpoints__Grpc__Url=http://$HOST:5201" "Kestrel__Endpoints__Http__Url=http://$HOST:5200" \
  dotnet Veiligthuis.Gateway.dll) </dev/null >"$STATE/gateway.log" 2>&1 &
PIDS+=($!)

vt_wait_http_ready "http://$HOST:5211/healthz/ready"
vt_wait_http_ready "http://$HOST:5200/healthz/live"
echo "Running on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)"
dotnet tools/Benchmarks/CreateMelding/bin/Release/net10.0/Veiligthuis.Benchmarks.CreateMelding.dll run \
  --greeter "http://127.0.0.1:5220" --intake "http://$HOST:5210" --gateway "http://$HOST:5201" \
  --signing-key "$SIGNING_KEY" \
  --postgres "Host=127.0.0.1;Port=$PG_PORT;Username=vt_admin;Password=$(cat "$STATE/pg-admin.password");Database=intake" \
  --cpu "intake=${PIDS[1]},gateway=${PIDS[2]},postgres=$(head -1 "$(cat "$STATE/pg-root")/data/postmaster.pid")+,redis=$(cat "$STATE/redis.pid")" \
  "$@"
stored=$(PGPASSWORD=$(cat "$STATE/pg-admin.password") psql -h 127.0.0.1 -p "$PG_PORT" -U vt_admin -d intake -Atc \
  "SELECT (SELECT count(*) FROM melding) || ' meldingen, ' || (SELECT count(*) FROM outbox) || ' outbox rows'" 2>/dev/null || echo "?")
echo "Stored: $stored"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
