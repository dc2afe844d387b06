#!/usr/bin/env bash
# Transparency-log benchmark against the local run (bin/robotid up: three witnesses, quorum two), in one run:
#  1. RecordEvents with every service's log off, then on (bench/lifecycle.sh's load, same sizes):
#     events/s of each and their ratio (target >= 0.9);
#  2. integration: the same load appended while the integrators are paused (integrate-interval 1h), then
#     lifecycle-service restarted alone and the backlog watched in PostgreSQL until it is integrated
#     (target >= 20,000 leaves/s), with a signed, witnessed checkpoint per batch;
#  3. proof sizes, and what the log stores per million leaves.
#   bench/tlog.sh [--robots N] [--events N] [--streams N]     (default 2,000 robots, 100,000 events, 4 streams)
# Leaves the local run up, with its logs on.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
args=(--robots 2000 --events 100000 --streams 4)
[ "$#" -eq 0 ] || args=("$@")
[ -f bench/target/quarkus-app/quarkus-run.jar ] || ./mvnw -q -DskipTests package -pl bench -am
bench() { java -jar bench/target/quarkus-app/quarkus-run.jar "$@"; }
rate() { sed -n 's/^appended through RecordEvents:.*= *\([0-9,]*\) events\/s.*/\1/p' | tr -d ,; }
restart() { bin/robotid down >/dev/null; ROBOTID_JAVA_OPTS="${1:-}" bin/robotid up >/dev/null; }

echo "[tlog] 1/3 RecordEvents with the log off"
restart "-Drobotid.tlog.enabled=false"
off="$(bench lifecycle "${args[@]}" | tee -a /dev/stderr | rate)"
echo "[tlog] 1/3 RecordEvents with the log on"
restart
on="$(bench lifecycle "${args[@]}" | tee -a /dev/stderr | rate)"

echo "[tlog] 2/3 a backlog appended with the integrators paused, then integrated"
restart "-Drobotid.tlog.integrate-interval=3600s"
bench lifecycle "${args[@]}" >/dev/null
bin/robotid down >/dev/null
# lifecycle-service alone (with the OIDC provider and the witnesses), so the backlog is integrated on a
# quiet machine rather than beside four other services starting
ROBOTID_SERVICES=lifecycle-service bin/robotid up >/dev/null &
up=$!
sleep 2
bench tlog --off "$off" --on "$on"
wait "$up"
bin/robotid up >/dev/null
