#!/usr/bin/env bash
# lifecycle-service's scale dataset against the local run: files --manufacturers (100) with --models (200),
# issues --robots IDs (1,000,000) and writes --events events (10,000,000) through RecordEvents in the
# mix of a robot's life, then times each query from outside and prints the disk used per event and per
# robot (docs/benchmarks.md, "lifecycle at scale"). Start it on a fresh lifecycle database to have
# exactly the dataset: bin/robotid down; dropdb robotid_lifecycle (or a new ROBOTID_DB_*); bin/robotid up.
#   bench/lifecycle-scale.sh [--robots N] [--events N] [--manufacturers N] [--models N] [--operators N]
#                            [--streams N] [--queries N] [--long-chain N]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bin/robotid up >/dev/null
[ -f bench/target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -DskipTests package -pl bench -am
exec java -jar bench/target/quarkus-app/quarkus-run.jar lifecycle-scale "$@"
