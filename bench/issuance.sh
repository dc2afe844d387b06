#!/usr/bin/env bash
# Issuance benchmark against the local run: issues --ids IDs (default 1,000,000) in --batch
# batches (default 100,000) through identity-service's gRPC API, then COPYs as many rows into an
# identical table, and prints IDs/s for both and their ratio.
#   bench/issuance.sh [--ids N] [--batch N] [--parallel N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin/robotid up >/dev/null
[ -f bench/target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -DskipTests package -pl bench -am
exec java -jar bench/target/quarkus-app/quarkus-run.jar issuance "$@"
