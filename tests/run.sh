#!/usr/bin/env bash
# Runs every test. Installs what is missing (Debian packages, NuGet restore), builds once in Release,
# then runs the groups from fast to slow so a failure in a fast group shows first.
# Usage: tests/run.sh [group ...]   groups: console service hosting gateway sidecar end-to-end browser security faults
# (default: all, in that order). console: the web console's plain code; service: each service alone (its domain, its
# stores on real Postgres/Redis, and the service hosted in-process, called over gRPC, REST and CloudEvents); hosting:
# the shared hosting library on real Kestrel hosts; gateway: the gateway in-process in front of stub services;
# sidecar: the local Dapr sidecar's semantics; the rest start the whole stack.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

deploy/local/prereqs.sh || exit 1
echo "== restore and build (Release)"
dotnet build Logistics.sln -c Release -nologo -v quiet -clp:ErrorsOnly || exit 1

declare -A groups=(
  [console]="tests/Logistics.Web.Tests"
  [service]="tests/Logistics.Inventory.Tests tests/Logistics.Requests.Tests tests/Logistics.Receipts.Tests tests/Logistics.Returns.Tests tests/Logistics.Doa.Tests tests/Logistics.Custody.Tests"
  [hosting]="tests/Logistics.Hosting.Tests"
  [gateway]="tests/Logistics.Gateway.Tests"
  [sidecar]="tests/Logistics.Sidecar.Tests"
  [end-to-end]="tests/Logistics.EndToEnd.Tests"
  [browser]="tests/Logistics.Browser.Tests"
  [security]="tests/Logistics.Security.Tests"
  [faults]="tests/Logistics.Faults.Tests"
)
all=(console service hosting gateway sidecar end-to-end browser security faults)
order=("${all[@]}")
[ $# -gt 0 ] && order=("$@")

results="$root/.local/test-results"
mkdir -p "$results"
passed=0; failed=0; skipped=0; status=0
for group in "${order[@]}"; do
  [ -n "${groups[$group]:-}" ] || { echo "unknown group: $group (${all[*]})"; exit 2; }
  for project in ${groups[$group]}; do
    name="$(basename "$project")"
    echo "== [$group] $name"
    start=$SECONDS
    log="$results/$name.log"
    dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" >"$log" 2>&1
    rc=$?
    # Show what failed, with its message; the full output stays in the log.
    grep -E '^\s+Failed [A-Z]' "$log" | head -30 || true
    grep -E -A6 '^\s+Error Message:' "$log" | head -80 || true
    count() { grep -E "^\s+$1: +[0-9]+" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
    p=$(count Passed); f=$(count Failed); s=$(count Skipped)
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    if [ "$rc" -ne 0 ]; then
      status=1
      if [ "$f" -eq 0 ]; then failed=$((failed + 1)); echo "   $name did not complete (exit $rc); see $log"; tail -20 "$log"; fi
    fi
    echo "   $name: $p passed, $f failed in $((SECONDS - start)) s"
  done
done

echo "$passed passed, $failed failed, $skipped skipped"
exit $status
