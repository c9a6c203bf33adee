#!/usr/bin/env bash
# Installs what the local stack and the tests need and a fresh Debian 12 machine lacks:
# the PostgreSQL server, Redis, the time-zone database, and Chromium with CJK fonts for the browser tests of the web
# console, Prometheus (its promtool checks the alert rules; `up.sh --with-monitoring` runs it) and kubectl (renders the
# Kubernetes manifests for their tests) (Debian packages). The .NET 10 SDK must already be there.
set -euo pipefail

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK (dotnet) is required and was not found on PATH." >&2
  exit 1
fi

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if ! command -v postgres >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  need+=(postgresql)
fi
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
# Centres and sites keep IANA time zones (Asia/Shanghai, Europe/Berlin); .NET reads them from the system's tzdata.
[ -e /usr/share/zoneinfo/Asia/Shanghai ] || need+=(tzdata)
[ -x /usr/bin/chromium ] || need+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk) # Chinese on the console's screens
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# kubectl renders deploy/k8s (`kubectl kustomize`, offline) for KubernetesManifestTests; Debian's is 1.20.
command -v kubectl >/dev/null 2>&1 || need+=(kubernetes-client)

if [ ${#need[@]} -gt 0 ]; then
  echo "Installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
