#!/usr/bin/env bash
# Starts the whole system on this machine, on loopback, and returns with it running in the background:
# a private Postgres and Redis (data under .local/), one local Dapr sidecar per app, the six services, the web console
# and the gateway, each health-checked. Safe to run twice. Stop it with deploy/local/down.sh.
# --with-monitoring also starts Prometheus on loopback, scraping it with deploy/monitoring/prometheus.yml.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
configuration="${LOGISTICS_CONFIGURATION:-Release}"
cd "$root"

deploy/local/prereqs.sh
if [ "${LOGISTICS_NO_BUILD:-0}" != "1" ]; then
  echo "Building ($configuration)..."
  dotnet build Logistics.sln -c "$configuration" -nologo -v quiet -clp:ErrorsOnly
fi
exec dotnet deploy/local/Logistics.LocalStack/bin/$configuration/net10.0/Logistics.LocalStack.dll up "$@"
