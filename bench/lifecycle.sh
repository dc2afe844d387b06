#!/usr/bin/env bash
# Lifecycle benchmark against the local run: appends --events events for --robots robots
# (default 1,000,000 for 10,000) through lifecycle-service's RecordEvents, then as many plain batched
# INSERTs into an identical table; prints events/s for both, their ratio, and FindRobots /
# ListAffectedRobots latencies.
#   bench/lifecycle.sh [--robots N] [--events N] [--streams N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin/robotid up >/dev/null
[ -f bench/target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -DskipTests package -pl bench -am
exec java -jar bench/target/quarkus-app/quarkus-run.jar lifecycle "$@"
