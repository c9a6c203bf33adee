#!/usr/bin/env bash
# Reconciles centres of the running local stack: inventory replays its movement ledger and reports every
# difference from the stock levels in Redis. Exits 1 when any centre differs.
# Usage: deploy/local/reconcile.sh CENTRE_ID [CENTRE_ID ...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
[ $# -gt 0 ] || { echo "usage: $0 CENTRE_ID [CENTRE_ID ...]" >&2; exit 2; }
stack="${LOGISTICS_STACK_FILE:-$root/deploy/stack.json}"
port=$(sed -n 's/.*"gateway": *{ *"httpPort": *\([0-9]*\).*/\1/p' "$stack")
gateway="http://127.0.0.1:${port:?gateway port not found in $stack}"

token=$(curl -sf -X POST "$gateway/dev/token" -H 'Content-Type: application/json' \
  -d '{"userId":"reconcile","roles":["auditor"]}' | sed 's/.*"token":"\([^"]*\)".*/\1/') \
  || { echo "no token from $gateway/dev/token: is the local stack running (deploy/local/up.sh)?" >&2; exit 2; }

status=0
for centre in "$@"; do
  result=$(curl -s -w '\n%{http_code}' -X POST "$gateway/api/v1/centres/$centre:reconcile" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' -d '{}')
  code=${result##*$'\n'}; body=${result%$'\n'*}
  if [ "$code" != "200" ]; then
    echo "$centre: HTTP $code $body"; status=1
  elif grep -q '"differences":\[\]' <<<"$body"; then
    echo "$centre: ledger and Redis agree ($body)"
  else
    echo "$centre: DIFFERENCES $body"; status=1
  fi
done
exit $status
