#!/usr/bin/env bash
#
# tools/smoke.sh TOKEN OTHER_TOKEN — the README example against a running stack (tools/run-local.sh):
#   1. POST a melding through the gateway REST route with TOKEN               -> 200, meldingId
#   2. poll the werkitem REST route (at most 30 s) with TOKEN                  -> 200, printed
#   3. read the melding with TOKEN                                             -> 200
#   4. read the melding and the werkitem with OTHER_TOKEN (another regio)      -> 403 or 404
#   5. POST {} as melding                                                      -> 400
#   6. POST a melding without a token                                          -> 401
# Exits non-zero on the first failure. VT_GATEWAY_URL overrides http://127.0.0.1:5000.
set -euo pipefail
# shellcheck source=tools/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"

if [[ $# -ne 2 || -z $1 || -z $2 ]]; then
  echo "usage: $0 TOKEN OTHER_TOKEN  (tokens of two different regio's)" >&2
  exit 2
fi
BASE=${VT_GATEWAY_URL:-http://127.0.0.1:5000}
WERKITEM_TIMEOUT=30

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Tokens go to curl through files, not the command line (visible in `ps`).
(umask 077 && printf 'Authorization: Bearer %s\n' "$1" >"$TMP/auth" && printf 'Authorization: Bearer %s\n' "$2" >"$TMP/other")

fail() {
  printf 'SMOKE FAILED: %s\n' "$*" >&2
  if [[ -s $TMP/body ]]; then
    printf 'response body: %s\n' "$(head -c 2000 "$TMP/body")" >&2
  fi
  exit 1
}
ok() { printf 'ok   %s\n' "$*"; }

# request METHOD PATH AUTHFILE|- [JSON] — sets STATUS, body in $TMP/body.
request() {
  local method=$1 path=$2 auth=$3 data=${4-}
  local -a args=(-sS -o "$TMP/body" -w '%{http_code}' --max-time 10 -X "$method" -H 'Accept: application/json')
  if [[ $auth != - ]]; then
    args+=(-H "@$auth")
  fi
  if [[ -n $data ]]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$data")
  fi
  : >"$TMP/body"
  STATUS=$(curl "${args[@]}" "$BASE$path" 2>"$TMP/curl.err") || STATUS=000
  if [[ $STATUS == 000 ]]; then
    printf '%s\n' "$(cat "$TMP/curl.err")" >"$TMP/body"
  fi
}

# json_field KEY — first string value of KEY anywhere in $TMP/body.
json_field() {
  local v=''
  if command -v python3 >/dev/null 2>&1; then
    v=$(python3 - "$1" "$TMP/body" 2>/dev/null <<'PY'
import json, sys
key, path = sys.argv[1], sys.argv[2]
def find(o):
    if isinstance(o, dict):
        if isinstance(o.get(key), str):
            return o[key]
        for x in o.values():
            r = find(x)
            if r is not None:
                return r
    elif isinstance(o, list):
        for x in o:
            r = find(x)
            if r is not None:
                return r
    return None
with open(path) as f:
    r = find(json.load(f))
print(r if r is not None else "")
PY
    ) || v=''
  fi
  if [[ -z $v ]]; then
    v=$(sed -n 's/.*"'"$1"'"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$TMP/body" | head -n 1)
  fi
  printf '%s\n' "$v"
}

pretty() {
  if command -v python3 >/dev/null 2>&1 && python3 -m json.tool "$TMP/body" 2>/dev/null; then
    return 0
  fi
  cat "$TMP/body"
  echo
}

melding_body() {
  printf '{"requestId":"%s","ontvangenOp":"%s","melder":{"groep":"MELDER_GROEP_POLITIE","betrokkenheid":"BETROKKENHEID_BEROEPSMATIG","organisatie":"ORGANISATIE_JUSTITIE"},"aard":["AARD_GEWELD_PARTNERGEWELD"],"vermoedelijkeDuur":"VERMOEDELIJKE_DUUR_LANGDUREND"}' \
    "$(vt_uuid)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

echo "Smoke test against $BASE"

# 1. Create a melding.
request POST /api/v1/intake/meldingen "$TMP/auth" "$(melding_body)"
[[ $STATUS == 200 ]] || fail "POST /api/v1/intake/meldingen returned HTTP $STATUS (expected 200)"
MELDING_ID=$(json_field meldingId)
[[ -n $MELDING_ID ]] || fail "POST /api/v1/intake/meldingen: no meldingId in the response"
[[ $MELDING_ID =~ ^[A-Za-z0-9._:-]+$ ]] || fail "unexpected meldingId '$MELDING_ID'"
ok "melding created: $MELDING_ID"

# 2. The werkitem appears once triage has the melding's event.
WERKITEM=/api/v1/triage/meldingen/$MELDING_ID/werkitem
deadline=$((SECONDS + WERKITEM_TIMEOUT))
while true; do
  request GET "$WERKITEM" "$TMP/auth"
  [[ $STATUS == 200 ]] && break
  ((SECONDS < deadline)) || fail "GET $WERKITEM still HTTP $STATUS after ${WERKITEM_TIMEOUT} s (expected 200)"
  sleep 0.5
done
[[ $(json_field meldingId) == "$MELDING_ID" ]] || fail "GET $WERKITEM: werkitem is not for melding $MELDING_ID"
ok "werkitem for $MELDING_ID:"
pretty | sed 's/^/       /'

# 3. Own regio reads the melding.
request GET "/api/v1/intake/meldingen/$MELDING_ID" "$TMP/auth"
[[ $STATUS == 200 ]] || fail "GET /api/v1/intake/meldingen/$MELDING_ID returned HTTP $STATUS (expected 200)"
ok "own regio reads the melding (200)"

# 4. Another regio reads neither.
for path in "/api/v1/intake/meldingen/$MELDING_ID" "$WERKITEM"; do
  request GET "$path" "$TMP/other"
  [[ $STATUS == 403 || $STATUS == 404 ]] || fail "GET $path with the other regio's token returned HTTP $STATUS (expected 403 or 404)"
  ok "other regio: GET $path -> $STATUS"
done

# 5. A malformed melding is rejected.
request POST /api/v1/intake/meldingen "$TMP/auth" '{}'
[[ $STATUS == 400 ]] || fail "POST /api/v1/intake/meldingen with {} returned HTTP $STATUS (expected 400)"
ok "malformed melding rejected (400)"

# 6. No token, no entry.
request POST /api/v1/intake/meldingen - "$(melding_body)"
[[ $STATUS == 401 ]] || fail "POST /api/v1/intake/meldingen without a token returned HTTP $STATUS (expected 401)"
ok "no token rejected (401)"

echo "SMOKE OK"
