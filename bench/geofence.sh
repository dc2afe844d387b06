#!/usr/bin/env bash
# Geofence benchmark, in one run on this machine:
#   1. JMH on geofence-engine alone with 100,000 zones: decisions per second per core;
#   2. a local OIDC provider and geofence-service from its built jar on a fresh database
#      (robotid_geofence_bench, feeds off: it needs no other service), the same 100,000 zones loaded
#      through CreateZone, then CheckPermission and Echo (the transport floor) measured with an open-loop
#      gRPC load generator at fixed rates (p50 / p99 / p99.9 from the intended send instants) and at
#      saturation;
#   3. PostGIS (postgresql-15-postgis-3, installed with apt-get when missing): the same polygons in a
#      table with a GiST index, the same positions as ST_Covers point queries at saturation;
#   4. the service's memory with the zones loaded; the ratios and the targets of issue 6.
#
#   bench/geofence.sh [--zones 100000] [--seconds 20] [--warmup 5] [--rates 1000,5000,10000]
#                     [--load-concurrency 1024] [--saturation-concurrency 256] [--channels 4]
#                     [--pg-connections 4]
#
# It does not touch a local run (bin/robotid up): its own ports (ROBOTID_BENCH_GEOFENCE_PORT, default
# 28105; ROBOTID_BENCH_OIDC_PORT, default 28090) and databases (robotid_geofence_bench,
# robotid_postgis_bench, dropped and created afresh). PostgreSQL from ROBOTID_DB_HOST / _PORT / _USER /
# _PASSWORD as everywhere. Output and logs: bench/target/geofence-bench/. Builds the jars when missing
# (rebuild after code changes: ./mvnw -DskipTests package -pl bench,geofence-service,local-oidc -am).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench_name="geofence.sh"
out="$root/bench/target/geofence-bench"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

zones=100000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--zones" ] && zones="${args[$((i + 1))]}"
done

geofence_port="${ROBOTID_BENCH_GEOFENCE_PORT:-28105}"
oidc_port="${ROBOTID_BENCH_OIDC_PORT:-28090}"
issuer="http://127.0.0.1:${oidc_port}/robotid"
service_db=robotid_geofence_bench
postgis_db=robotid_postgis_bench

mkdir -p "$out"

# ------------------------------------------------------------------------------------------ PostGIS
ensure_package postgresql-15-postgis-3

# ------------------------------------------------------------------------------------------ build
jars=(bench/target/quarkus-app/quarkus-run.jar geofence-service/target/quarkus-app/quarkus-run.jar)
missing=0
for j in "${jars[@]}"; do [ -f "$j" ] || missing=1; done
ls local-oidc/target/lib/mock-oauth2-server-*.jar >/dev/null 2>&1 || missing=1
if [ "$missing" = 1 ]; then
  say "building bench, geofence-service, local-oidc ..."
  ./mvnw -B -q -DskipTests package -pl bench,geofence-service,local-oidc -am
fi

# ------------------------------------------------------------------------------------------ 1. engine alone (JMH)
say "1/3 JMH: geofence-engine alone, $zones zones, 1 thread (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
rm -f "$out/jmh.json" "$out/jmh-cpu.txt"
"$java" -cp "bench/target/quarkus-app/app/*:bench/target/quarkus-app/lib/main/*" org.openjdk.jmh.Main \
  GeofenceEngineBenchmark -p zones="$zones" -rf json -rff "$out/jmh.json" \
  -jvmArgsAppend "-Dgeofence.cpu-file=$out/jmh-cpu.txt" | tee "$out/jmh.txt" | grep -E '^(Benchmark|Geofence|# Run complete)|thrpt'

# ------------------------------------------------------------------------------------------ 2. the service
bench_trap

port_in_use "$geofence_port" && die "port $geofence_port is in use (set ROBOTID_BENCH_GEOFENCE_PORT)"

say "2/3 fresh databases $service_db and $postgis_db (postgis extension)"
fresh_database "$service_db"
fresh_database "$postgis_db" postgis
start_oidc "$oidc_port"

say "starting geofence-service on port $geofence_port (database $service_db, feeds off)"
rm -rf "$out/keys" "$out/geofence-service.log"
start_service geofence-service "$geofence_port" "$service_db" "$out/geofence-service.log" ROBOTID_OIDC_ISSUER="$issuer" \
  ROBOTID_FEEDS_ENABLED=false ROBOTID_GEOFENCE_SIGNING_KEYS_DIR="$out/keys"
service_pid="$started_pid"
wait_ready geofence-service "$geofence_port" "$service_pid" "$out/geofence-service.log"
say "geofence-service ready (pid $service_pid)"

# ------------------------------------------------------------------------------------------ 2 + 3: gRPC, PostGIS, memory
"$java" -jar bench/target/quarkus-app/quarkus-run.jar geofence \
  --geofence "127.0.0.1:$geofence_port" --issuer "$issuer" --service-pid "$service_pid" \
  --jmh-result "$out/jmh.json" --jmh-cpu "$out/jmh-cpu.txt" \
  --service-jdbc "$(jdbc "$service_db")" --postgis "$(jdbc "$postgis_db")" "$@" | tee "$out/report.txt"
status="${PIPESTATUS[0]}"
blocked="$(grep -c 'Thread blocked' "$out/geofence-service.log" || true)"
say "geofence-service log: $out/geofence-service.log ($blocked 'Thread blocked' warnings of the Vert.x event-loop checker)"
exit "$status"
