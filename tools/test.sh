#!/usr/bin/env bash
#
# tools/test.sh — README command 2: build Services.sln and run every test against real PostgreSQL
# and Redis. Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Intake").
#
# With a Docker engine the tests start their own servers (Testcontainers). Without one, this
# script installs what is missing and starts a fresh PostgreSQL (127.0.0.1:55532, fsync off) and
# Redis (127.0.0.1:56479), handing them to the tests as VT_TEST_POSTGRES / VT_TEST_REDIS, and stops
# them on exit. Output is streamed and kept in .local/test-logs/. The last line printed is always
#   Tests: N passed, M failed[, K skipped]
# and the exit status is non-zero when anything failed (a failed build counts as 1 failed).
# VT_KEEP_TEST_DB=1 keeps the (stopped) test cluster for inspection; VT_NO_DOCKER=1 ignores Docker;
# VT_TEST_PG_PORT / VT_TEST_REDIS_PORT move the servers (two checkouts testing side by side).
set -euo pipefail
# One ordered stream: whatever captures stdout sees every message and ends on the totals line.
exec 2>&1
cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO_ROOT=$(pwd -P)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Plain console output (no live terminal UI) so the per-project summaries can be parsed.
export MSBUILDTERMINALLOGGER=off

# shellcheck source=tools/infra/lib.sh
source tools/infra/lib.sh

PG_PORT=${VT_TEST_PG_PORT:-55532}
REDIS_PORT=${VT_TEST_REDIS_PORT:-56479}

mkdir -p .local/test-logs
LOG="$REPO_ROOT/.local/test-logs/test-$(date -u +%Y%m%dT%H%M%SZ).log"
: >"$LOG"
export VT_LOG_FILE=$LOG

SERVERS_STARTED=0
SUMMARY_PRINTED=0

say() {
  printf '%s\n' "$*"
  printf '%s\n' "$*" >>"$LOG"
}

stop_servers() {
  if ((SERVERS_STARTED)); then
    SERVERS_STARTED=0
    # Quietly (into the log only): nothing may follow the totals line.
    # The cluster is throwaway: delete it (also its /tmp fallback folder) unless asked to keep it.
    if [[ ${VT_KEEP_TEST_DB:-0} == 1 ]]; then
      VT_LOG_FILE='' vt_pg_stop test >>"$LOG" 2>&1 || true
    else
      VT_LOG_FILE='' vt_pg_destroy test >>"$LOG" 2>&1 || true
    fi
    VT_LOG_FILE='' vt_redis_stop test >>"$LOG" 2>&1 || true
  fi
}

# print_summary PASSED FAILED SKIPPED — stops the servers, then prints the totals as the last line.
print_summary() {
  local line="Tests: $1 passed, $2 failed"
  if (($3 > 0)); then
    line+=", $3 skipped"
  fi
  stop_servers
  say "Full log: ${LOG#"$REPO_ROOT"/}"
  SUMMARY_PRINTED=1
  say "$line"
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
on_exit() {
  local rc=$?
  trap - EXIT
  if ((!SUMMARY_PRINTED)); then
    print_summary 0 1 0
    if ((rc == 0)); then
      rc=1
    fi
  fi
  stop_servers
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# run_logged CMD... — stream CMD's output and append it to the log; returns CMD's status.
run_logged() {
  "$@" 2>&1 | tee -a "$LOG"
  return "${PIPESTATUS[0]}"
}

# Sum the per-project results of `dotnet test` output (file $1); prints "passed failed skipped
# projects aborted". VSTest prints one line per test project at quiet/minimal verbosity:
#   Failed!  - Failed:     1, Passed:    12, Skipped:     0, Total:    13, Duration: 2 s - X.dll (net10.0)
# and, at normal/detailed verbosity, a block per test project instead:
#   Total tests: 13 /      Passed: 12 /      Failed: 1 /     Skipped: 0 /  Total time: 2.1 Seconds
# The one-line form is used when present, otherwise the blocks.
parse_results() {
  sed -e $'s/\x1b\\[[0-9;?]*[A-Za-z]//g' -e $'s/\r$//' "$1" | awk '
    function num(line, key,   s) {
      s = line
      if (!sub(".*" key ":[ \t]*", "", s)) return 0
      sub(/[^0-9].*/, "", s)
      return s + 0
    }
    /^[ \t]*(Passed|Failed|Skipped)![ \t]+-[ \t]+Failed:[ \t]*[0-9]+,[ \t]*Passed:[ \t]*[0-9]+,[ \t]*Skipped:[ \t]*[0-9]+,[ \t]*Total:/ {
      lp += num($0, "Passed"); lf += num($0, "Failed"); ls += num($0, "Skipped"); lines++
      next
    }
    /^[ \t]*Total tests:[ \t]*/ {
      blocks++
      v = $0; sub(/.*Total tests:[ \t]*/, "", v)
      if (v !~ /^[0-9]/) unknown++
      next
    }
    /^[ \t]+Passed:[ \t]*[0-9]+[ \t]*$/  { bp += num($0, "Passed");  next }
    /^[ \t]+Failed:[ \t]*[0-9]+[ \t]*$/  { bf += num($0, "Failed");  next }
    /^[ \t]+Skipped:[ \t]*[0-9]+[ \t]*$/ { bs += num($0, "Skipped"); next }
    /Test Run Aborted|The active test run was aborted/ { abortmsg++ }
    END {
      aborted = (abortmsg > unknown) ? abortmsg : unknown
      if (lines > 0) printf "%d %d %d %d %d\n", lp, lf, ls, lines, aborted
      else           printf "%d %d %d %d %d\n", bp, bf, bs, blocks, aborted
    }'
}

if ! command -v dotnet >/dev/null 2>&1; then
  say "dotnet SDK not found on PATH (need .NET 10)."
  exit 1
fi

if vt_docker_available; then
  say "Docker engine answers: the tests start PostgreSQL and Redis with Testcontainers."
else
  say "No Docker engine: starting private PostgreSQL (127.0.0.1:$PG_PORT) and Redis (127.0.0.1:$REDIS_PORT)."
  vt_ensure_servers_installed
  SERVERS_STARTED=1
  vt_pg_destroy test          # fresh cluster every run
  vt_redis_stop test
  VT_PG_FAST=1 vt_pg_start test "$PG_PORT"
  vt_redis_start test "$REDIS_PORT"
  export VT_TEST_POSTGRES="$VT_PG_ADMIN"
  export VT_TEST_REDIS="$VT_REDIS"
fi

say "Building Services.sln (Release)..."
build_rc=0
run_logged dotnet build Services.sln -c Release -nologo -v q -clp:ErrorsOnly || build_rc=$?
if ((build_rc != 0)); then
  say "BUILD FAILED (dotnet build exited with $build_rc); the errors are above."
  exit 1
fi

say "Running tests..."
test_start=$(wc -l <"$LOG")
test_rc=0
run_logged dotnet test Services.sln -c Release --no-build --logger "console;verbosity=normal" "$@" || test_rc=$?

results=$(tail -n "+$((test_start + 1))" "$LOG" | parse_results /dev/stdin)
read -r passed failed skipped projects aborted <<<"$results"

if ((projects == 0)); then
  say "No test summary found in the dotnet test output (dotnet test exited with $test_rc)."
  exit 1
fi
if ((aborted > 0)); then
  say "$aborted test run(s) aborted (a test host crashed?); counting each as 1 failed."
  failed=$((failed + aborted))
fi
if ((test_rc != 0 && failed == 0)); then
  say "dotnet test exited with $test_rc without reporting a failed test; counting 1 failed."
  failed=1
fi

print_summary "$passed" "$failed" "$skipped"
if ((failed > 0)); then
  exit 1
fi
exit 0
