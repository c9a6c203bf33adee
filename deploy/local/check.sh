#!/usr/bin/env bash
# Checks the invariants (docs/domain.md) against the running local stack: outboxes drained, stock never negative,
# Redis equal to the ledger replay for every centre, each serial held at one centre at most (read from Redis) and
# custody agreeing, a unit at a repairer or on its way to the supplier held by no centre, transfers between centres
# conserving stock (a unit on the road in transit at the sending centre only, unless written off as lost), no unit leaving quarantine
# twice, every swap with its return, every faulty or quarantined unit with its return, every Delivered
# request with a current signed receipt, every approved DOA claim with its replacement, no event applied twice,
# receipts unchanged. Prints each violation; exits 1 when any invariant is broken.
# Against another deployment, set LOGISTICS_TOKEN (an auditor+admin token) and LOGISTICS_STACK_FILE.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
configuration="${LOGISTICS_CONFIGURATION:-Release}"
launcher="$root/deploy/local/Logistics.LocalStack/bin/$configuration/net10.0/Logistics.LocalStack.dll"
[ -f "$launcher" ] || { echo "The launcher is not built: start the stack with deploy/local/up.sh first." >&2; exit 2; }
cd "$root"
exec dotnet "$launcher" check
