#!/usr/bin/env bash
#
# tools/run-local.sh — README command 1: the whole suite on this machine.
#
# Installs PostgreSQL and Redis when missing, starts private instances on 127.0.0.1 (PostgreSQL
# 55432 with its data kept in .local/local/, Redis 56379 without persistence), creates one role and
# database per service, builds Services.sln (Debug) once, starts the seven processes, waits until
# every one is ready, mints two development tokens, loads a small calibrated set of meldingen and
# adviezen through the gateway (tools/DataGenerator) and prints how to call the gateway.
# Ctrl-C stops everything it started.
#
#   tools/run-local.sh            run until Ctrl-C
#   tools/run-local.sh --check    start, run tools/smoke.sh once, stop, exit with its status
#   tools/run-local.sh --no-build reuse the existing Debug build output
#   tools/run-local.sh --no-seed  start without the generated demo data
#
# PostgreSQL and Redis always come from the OS packages (even when a Docker engine answers):
# one code path, and the cluster in .local/local/ survives between runs without Docker volumes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd -P)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# shellcheck source=tools/infra/lib.sh
source tools/infra/lib.sh

CHECK=0
BUILD=1
SEED=1
for arg in "$@"; do
  case $arg in
    --check) CHECK=1 ;;
    --no-build) BUILD=0 ;;
    --no-seed) SEED=0 ;;
    -h | --help)
      sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (see --help)" >&2
      exit 2
      ;;
  esac
done

PG_PORT=55432
REDIS_PORT=56379
ISSUER=veiligthuis-dev
AUDIENCE=veiligthuis
REGIO=vt-utrecht
OTHER_REGIO=vt-haaglanden
READY_TIMEOUT=120
GATEWAY_HTTP=http://127.0.0.1:5000
GATEWAY_GRPC=127.0.0.1:5001
LOG_DIR=$REPO_ROOT/.local/logs
KEY_FILE=$REPO_ROOT/.local/dev-signing-key
TOKEN_MINT=tools/TokenMint/bin/Debug/net10.0/Veiligthuis.TokenMint.dll
DATA_GENERATOR=tools/DataGenerator/bin/Debug/net10.0/Veiligthuis.Tools.DataGenerator.dll
# A national half-year at 0.5 %: about 330 meldingen and 270 adviezen over the 26 regios. A fixed
# seed gives fixed request ids, so loading again on the next start creates nothing twice.
SEED_SCALE=0.005
SEED_NUMBER=2019

SERVICES=(gateway intake register triage diensten overdracht monitoring)
BACKENDS=(intake register triage diensten overdracht monitoring)
declare -A PROJECT=([gateway]=Gateway [intake]=Intake [register]=Register [triage]=Triage
  [diensten]=Diensten [overdracht]=Overdracht [monitoring]=Monitoring)
# architecture.md §5 (each service listens there per its own appsettings)
declare -A GRPC_PORT=([gateway]=5001 [intake]=5110 [register]=5120 [triage]=5130
  [diensten]=5140 [overdracht]=5150 [monitoring]=5160)
declare -A HTTP_PORT=([gateway]=5000 [intake]=5111 [register]=5121 [triage]=5131
  [diensten]=5141 [overdracht]=5151 [monitoring]=5161)
declare -A CONN=()
declare -A PIDS=()
declare -A REPORTED=()
INFRA_STARTED=0
CLEANED=0

say() { printf '%s\n' "$*"; }
die() {
  printf 'run-local: %s\n' "$*" >&2
  exit 1
}

# alive PID — running and not a zombie.
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $state != Z ]]
}

stop_services() {
  local svc pid deadline any
  ((${#PIDS[@]})) || return 0
  say "Stopping services..."
  for svc in "${!PIDS[@]}"; do
    kill -TERM "${PIDS[$svc]}" 2>/dev/null || true
  done
  deadline=$((SECONDS + 20))
  while ((SECONDS < deadline)); do
    any=0
    for pid in "${PIDS[@]}"; do
      if alive "$pid"; then
        any=1
      fi
    done
    ((any)) || break
    sleep 0.25
  done
  for svc in "${!PIDS[@]}"; do
    pid=${PIDS[$svc]}
    if alive "$pid"; then
      say "  $svc (pid $pid) did not stop in 20 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
  PIDS=()
}

# shellcheck disable=SC2317 # invoked by traps
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if ((CLEANED)); then
    exit "$rc"
  fi
  CLEANED=1
  stop_services
  if ((INFRA_STARTED)); then
    vt_pg_stop local || true
    vt_redis_stop local || true
  fi
  say "Stopped."
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null 2>&1 || die "dotnet SDK not found on PATH (need .NET 10)"
command -v curl >/dev/null 2>&1 || die "curl not found"

# 1. Ports must be free before anything starts (a previous run still alive?).
for svc in "${SERVICES[@]}"; do
  for port in "${GRPC_PORT[$svc]}" "${HTTP_PORT[$svc]}"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      die "port 127.0.0.1:$port ($svc) is already in use — is another run-local.sh running?"
    fi
  done
done

# 2. PostgreSQL, Redis, one role and database per service.
vt_ensure_servers_installed
INFRA_STARTED=1
vt_pg_start local "$PG_PORT"
vt_redis_start local "$REDIS_PORT"
for svc in "${BACKENDS[@]}"; do
  CONN[$svc]=$(vt_pg_create_service_db "$PG_PORT" "$svc")
done

# 3. Development signing key, generated once and kept.
if [[ ! -s $KEY_FILE ]]; then
  (umask 077 && head -c 32 /dev/urandom | base64 >"$KEY_FILE")
  say "Generated development signing key $KEY_FILE"
fi
SIGNING_KEY=$(<"$KEY_FILE")
[[ -n $SIGNING_KEY ]] || die "$KEY_FILE is empty"

# The register's BSN HMAC key (ADR 0013), generated once and kept beside the signing key so the
# hashes in the local database keep matching across runs.
BSN_KEY_FILE=$KEY_FILE.bsn-hmac
if [[ ! -s $BSN_KEY_FILE ]]; then
  (umask 077 && head -c 32 /dev/urandom | base64 >"$BSN_KEY_FILE")
  say "Generated development BSN HMAC key $BSN_KEY_FILE"
fi
BSN_HMAC_KEY=$(<"$BSN_KEY_FILE")
# Likewise the key of the register's matching features (ADR 0017).
MATCH_KEY_FILE=$KEY_FILE.matching
if [[ ! -s $MATCH_KEY_FILE ]]; then
  (umask 077 && head -c 32 /dev/urandom | base64 >"$MATCH_KEY_FILE")
  say "Generated development matching key $MATCH_KEY_FILE"
fi
MATCHING_KEY=$(<"$MATCH_KEY_FILE")

# 4. Build once.
mkdir -p "$LOG_DIR"
if ((BUILD)); then
  say "Building Services.sln (Debug)..."
  build() {
    dotnet build Services.sln -c Debug -nologo -v q -clp:ErrorsOnly 2>&1 | tee "$LOG_DIR/build.log"
    return "${PIPESTATUS[0]}"
  }
  build_rc=0
  build || build_rc=$?
  ((build_rc == 0)) || die "build failed (exit $build_rc); errors above and in $LOG_DIR/build.log"
fi

# 5. Start the seven processes from their build output. Each runs in its output folder, which is
#    its content root (appsettings*.json live there).
start_service() {
  local svc=$1 proj=${PROJECT[$1]} dir dll b
  dir=services/$proj/bin/Debug/net10.0
  dll=Veiligthuis.$proj.dll
  [[ -f $dir/$dll ]] || die "$dir/$dll not found (build first, or drop --no-build)"
  local -a env=(
    ASPNETCORE_ENVIRONMENT=Development
    "ConnectionStrings__redis=127.0.0.1:$REDIS_PORT"
    Eventing__Transport=Redis
    "Auth__Issuer=$ISSUER"
    "Auth__Audience=$AUDIENCE"
    "Auth__SigningKey=$SIGNING_KEY"
  )
  if [[ $svc == gateway ]]; then
    for b in "${BACKENDS[@]}"; do
      env+=("Services__${b}__Grpc=http://127.0.0.1:${GRPC_PORT[$b]}"
        "Services__${b}__Http=http://127.0.0.1:${HTTP_PORT[$b]}")
    done
  else
    env+=("ConnectionStrings__${svc}=${CONN[$svc]}")
  fi
  if [[ $svc == register ]]; then
    env+=(Register__BsnHmacKeys__0__Id=local "Register__BsnHmacKeys__0__Key=$BSN_HMAC_KEY")
    env+=(Register__MatchingKey__Id=local "Register__MatchingKey__Key=$MATCHING_KEY")
  fi
  (cd "$dir" && exec env "${env[@]}" dotnet "$dll") </dev/null >"$LOG_DIR/$svc.log" 2>&1 &
  PIDS[$svc]=$!
  say "  started $svc (pid ${PIDS[$svc]}, gRPC ${GRPC_PORT[$svc]}, HTTP ${HTTP_PORT[$svc]}, log .local/logs/$svc.log)"
}

say "Starting services..."
for svc in "${SERVICES[@]}"; do
  start_service "$svc"
done

# 6. Wait until every process reports ready.
say "Waiting for /healthz/ready (up to ${READY_TIMEOUT} s)..."
deadline=$((SECONDS + READY_TIMEOUT))
pending=("${SERVICES[@]}")
while ((${#pending[@]})); do
  still=()
  for svc in "${pending[@]}"; do
    if ! alive "${PIDS[$svc]}"; then
      say "$svc exited during startup; last lines of .local/logs/$svc.log:"
      tail -n 40 "$LOG_DIR/$svc.log" || true
      die "$svc did not start"
    fi
    if curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:${HTTP_PORT[$svc]}/healthz/ready"; then
      say "  $svc ready"
    else
      still+=("$svc")
    fi
  done
  pending=("${still[@]}")
  ((${#pending[@]})) || break
  if ((SECONDS >= deadline)); then
    for svc in "${pending[@]}"; do
      say "--- $svc not ready; last lines of .local/logs/$svc.log:"
      tail -n 20 "$LOG_DIR/$svc.log" || true
    done
    die "not ready after ${READY_TIMEOUT} s: ${pending[*]}"
  fi
  sleep 1
done

# 7. Development tokens.
mint() {
  local out token
  out=$(dotnet "$TOKEN_MINT" --regio "$1" --role medewerker --issuer "$ISSUER" \
    --audience "$AUDIENCE" --signing-key "$SIGNING_KEY") || return 1
  token=$(printf '%s\n' "$out" | tr -d '\r' | awk 'NF { last = $0 } END { print last }')
  token=${token//[[:space:]]/}
  [[ $token =~ ^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$ ]] || {
    printf 'TokenMint printed no JWT: %s\n' "$out" >&2
    return 1
  }
  printf '%s\n' "$token"
}
[[ -f $TOKEN_MINT ]] || die "$TOKEN_MINT not found (is tools/TokenMint in Services.sln?)"
TOKEN=$(mint "$REGIO") || die "minting the $REGIO token failed"
OTHER_TOKEN=$(mint "$OTHER_REGIO") || die "minting the $OTHER_REGIO token failed"

# 7b. Demo data: the same generator that can replay a full national half-year.
if ((SEED)); then
  [[ -f $DATA_GENERATOR ]] || die "$DATA_GENERATOR not found (is tools/DataGenerator in Services.sln?)"
  say "Loading a calibrated set (scale $SEED_SCALE, seed $SEED_NUMBER; skip with --no-seed)..."
  dotnet "$DATA_GENERATOR" generate --seed "$SEED_NUMBER" --scale "$SEED_SCALE" --out "$LOG_DIR/seed.jsonl" ||
    die "generating the demo data failed"
  dotnet "$DATA_GENERATOR" replay --in "$LOG_DIR/seed.jsonl" --gateway "http://$GATEWAY_GRPC" \
    --signing-key "$SIGNING_KEY" --concurrency 8 || die "loading the demo data failed (see the errors above)"
fi

if ((CHECK)); then
  say "All seven processes ready; running tools/smoke.sh..."
  smoke_rc=0
  bash tools/smoke.sh "$TOKEN" "$OTHER_TOKEN" || smoke_rc=$?
  if ((smoke_rc == 0)); then
    say "run-local --check: OK"
  else
    say "run-local --check: FAILED (smoke exit $smoke_rc); service logs in .local/logs/"
  fi
  exit "$smoke_rc"
fi

# 8. How to use it.
REQUEST_ID=$(vt_uuid)
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
BODY='{"requestId":"'$REQUEST_ID'","ontvangenOp":"'$NOW'","melder":{"groep":"MELDER_GROEP_POLITIE","betrokkenheid":"BETROKKENHEID_BEROEPSMATIG","organisatie":"ORGANISATIE_JUSTITIE"},"aard":["AARD_GEWELD_PARTNERGEWELD"],"vermoedelijkeDuur":"VERMOEDELIJKE_DUUR_LANGDUREND"}'
cat <<EOF

================================================================================================
 Veilig Thuis suite is running.

 Gateway  REST/JSON  $GATEWAY_HTTP
          gRPC (h2c) $GATEWAY_GRPC

 Development tokens (role medewerker, issuer $ISSUER, audience $AUDIENCE):
   export TOKEN='$TOKEN'        # regio $REGIO
   export OTHER_TOKEN='$OTHER_TOKEN'  # regio $OTHER_REGIO

 Try it (after the two exports above):
   curl -sS -X POST $GATEWAY_HTTP/api/v1/intake/meldingen \\
     -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
     -d '$BODY'
   curl -sS $GATEWAY_HTTP/api/v1/triage/meldingen/<meldingId>/werkitem \\
     -H "Authorization: Bearer \$TOKEN"
   (new melding: use a fresh requestId; the same requestId returns the same melding)

 PostgreSQL 127.0.0.1:$PG_PORT (databases ${BACKENDS[*]}; passwords in .local/local/)
 Redis      127.0.0.1:$REDIS_PORT
 Logs       .local/logs/<service>.log

 Press Ctrl-C to stop everything.
================================================================================================
EOF

# 9. Run until Ctrl-C; report a process that dies.
while true; do
  for svc in "${SERVICES[@]}"; do
    if [[ -z ${REPORTED[$svc]:-} ]] && ! alive "${PIDS[$svc]}"; then
      REPORTED[$svc]=1
      say "WARNING: $svc (pid ${PIDS[$svc]}) exited; see .local/logs/$svc.log"
    fi
  done
  sleep 2
done
