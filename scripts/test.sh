#!/usr/bin/env bash
# Runs every test vigil has. It needs only Go: fixtures are committed, and
# tests that compare against a Debian tool skip that comparison when the
# tool is missing. PostgreSQL-backed tests run when a server is reachable;
# this script starts the local one if it is installed and not running.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .ci/postgres.sh ]; then
  # shellcheck source=/dev/null
  source .ci/postgres.sh || echo "PostgreSQL not available: its tests will skip" >&2
fi
export CGO_ENABLED=${CGO_ENABLED:-0}
go vet ./...
go test -count=1 -timeout 30m "$@" ./...
