#!/usr/bin/env bash
# Stops everything deploy/local/up.sh started, by the PIDs it wrote under .local/pids. Data stays in .local/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
configuration="${LOGISTICS_CONFIGURATION:-Release}"
launcher="$root/deploy/local/Logistics.LocalStack/bin/$configuration/net10.0/Logistics.LocalStack.dll"
if [ ! -f "$launcher" ]; then
  echo "Nothing to stop: the launcher was never built (deploy/local/up.sh builds it)."
  exit 0
fi
cd "$root"
exec dotnet "$launcher" down
