#!/usr/bin/env bash
#
# tools/Benchmarks/RegisterScale/run.sh — the register at national scale (issue 5): bulk load N persons through
# LaadBetrokkenheden, then ZoekBetrokkenheid by BSN and by person data beside a bare indexed PostgreSQL lookup of
# the same key, in one run on this machine.
#
# Starts a fresh durable PostgreSQL (fsync and synchronous_commit on, as in production; shared_buffers 2GB,
# max_wal_size 8GB) on 127.0.0.1:55820 and Redis on 127.0.0.1:56820 (tools/infra/lib.sh, state in
# .local/bench-registerscale/), builds Register and this tool in Release, starts the register on 127.0.0.23 in the
# Production environment (JSON logs to .local/bench-registerscale/register.log) and runs the tool; stops everything
# it started. The cluster stays on disk for inspection until the next run; VT_BENCH_DESTROY=1 deletes it at the end.
#
#   tools/Benchmarks/RegisterScale/run.sh [--personen 1000000] [--streams 2] [--stream-size 10000]
#       [--concurrency 16] [--seconds 20] [--rate 2000] [--rate-persoon 200] [--seed 1]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
REPO_ROOT=$(pwd -P)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# shellcheck source=tools/infra/lib.sh
source tools/infra/lib.sh

NAME=bench-registerscale
PG_PORT=${VT_BENCH_PG_PORT:-55820}
REDIS_PORT=${VT_BENCH_REDIS_PORT:-56820}
HOST=${VT_BENCH_HOST:-127.0.0.23}
STATE=$REPO_ROOT/.local/$NAME
mkdir -p "$STATE"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  vt_redis_stop "$NAME" || true
  if [[ ${VT_BENCH_DESTROY:-0} == 1 ]]; then vt_pg_destroy "$NAME" || true; else vt_pg_stop "$NAME" || true; fi
}
trap cleanup EXIT


# 55820 lies in the kernel's ephemeral port range: another process's outgoing connection can hold it for a moment.
pg_start() {
  local attempt
  for attempt in 1 2 3 4 5 6; do
    vt_pg_start "$NAME" "$PG_PORT" && return 0
    echo "PostgreSQL did not start (attempt $attempt); retrying" >&2
    sleep 5
  done
  return 1
}

admin_psql() {
  PGPASSWORD=$(cat "$STATE/pg-admin.password") psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U vt_admin "$@"
}

vt_ensure_servers_installed
# A fresh cluster per run, so every run loads into the same empty tables.
vt_pg_destroy "$NAME" || true
pg_start
# Durable (fsync, synchronous_commit and full_page_writes stay on); memory and checkpoints sized for a bulk load.
admin_psql -d postgres -c "ALTER SYSTEM SET shared_buffers = '2GB'" -c "ALTER SYSTEM SET max_wal_size = '8GB'" \
  -c "ALTER SYSTEM SET checkpoint_timeout = '15min'" -c "ALTER SYSTEM SET wal_compression = 'lz4'" -c "ALTER SYSTEM SET log_min_duration_statement = '2s'" -c "ALTER SYSTEM SET log_lock_waits = on" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = '5s'"
vt_pg_stop "$NAME"
pg_start
echo "PostgreSQL: $(admin_psql -d postgres -Atc "SELECT version()" | cut -d' ' -f1-2), fsync=$(admin_psql -d postgres -Atc 'SHOW fsync'), synchronous_commit=$(admin_psql -d postgres -Atc 'SHOW synchronous_commit'), shared_buffers=$(admin_psql -d postgres -Atc 'SHOW shared_buffers')"
vt_redis_start "$NAME" "$REDIS_PORT"
REGISTER_DB=$(vt_pg_create_service_db "$PG_PORT" register)

echo "Building (Release)..."
for project in services/Register tools/Benchmarks/RegisterScale; do
  dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly
done

SIGNING_KEY=$(head -c 32 /dev/urandom | base64)
BSN_KEY=$(head -c 32 /dev/urandom | base64)
MATCHING_KEY=$(head -c 32 /dev/urandom | base64)
(cd services/Register/bin/Release/net10.0 && exec env ASPNETCORE_ENVIRONMENT=Production Auth__Issuer=veiligthuis-dev \
  Auth__Audience=veiligthuis "Auth__SigningKey=$SIGNING_KEY" "ConnectionStrings__redis=127.0.0.1:$REDIS_PORT" \
  Eventing__Transport=Redis "ConnectionStrings__register=$REGISTER_DB" \
  Register__BsnHmacKeys__0__Id=bench "Register__BsnHmacKeys__0__Key=$BSN_KEY" \
  Register__MatchingKey__Id=bench "Register__MatchingKey__Key=$MATCHING_KEY" \
  "Kestrel__Endpoints__Grpc__Url=http://$HOST:5720" "Kestrel__Endpoints__Http__Url=http://$HOST:5721" \
  dotnet Veiligthuis.Register.dll) </dev/null >"$STATE/register.log" 2>&1 &
PIDS+=($!)
echo "$!" >"$STATE/register.pid"

vt_wait_http_ready "http://$HOST:5721/healthz/ready"
echo "Running on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty')"
dotnet tools/Benchmarks/RegisterScale/bin/Release/net10.0/Veiligthuis.Benchmarks.RegisterScale.dll \
  --service "http://$HOST:5720" --postgres "$REGISTER_DB" --signing-key "$SIGNING_KEY" \
  --bsn-key "$BSN_KEY" --matching-key "$MATCHING_KEY" --service-pid "$(cat "$STATE/register.pid")" \
  --postgres-pid "$(head -1 "$(cat "$STATE/pg-root")/data/postmaster.pid")" "$@"
echo "Disk: $(du -sh "$(cat "$STATE/pg-root")/data" | cut -f1) in the cluster; $(df -h --output=avail "$REPO_ROOT" | tail -1 | tr -d ' ') free"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
