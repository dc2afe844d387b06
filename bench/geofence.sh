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

zones=100000
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--zones" ] && zones="${args[$((i + 1))]}"
done

out="$root/bench/target/geofence-bench"
db_host="${ROBOTID_DB_HOST:-127.0.0.1}"
db_port="${ROBOTID_DB_PORT:-5432}"
db_user="${ROBOTID_DB_USER:-postgres}"
db_password="${ROBOTID_DB_PASSWORD:-}"
geofence_port="${ROBOTID_BENCH_GEOFENCE_PORT:-28105}"
oidc_port="${ROBOTID_BENCH_OIDC_PORT:-28090}"
issuer="http://127.0.0.1:${oidc_port}/robotid"
service_db=robotid_geofence_bench
postgis_db=robotid_postgis_bench
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { printf '[geofence.sh] %s\n' "$*"; }
die() { printf '[geofence.sh] %s\n' "$*" >&2; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
psql_admin() { PGPASSWORD="$db_password" psql -X -q -v ON_ERROR_STOP=1 -h "$db_host" -p "$db_port" -U "$db_user" "$@"; }
jdbc() {
  local url="jdbc:postgresql://$db_host:$db_port/$1?user=$db_user"
  [ -z "$db_password" ] || url="$url&password=$db_password"
  printf '%s' "$url"
}

mkdir -p "$out"

# ------------------------------------------------------------------------------------------ PostGIS
if ! dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q 'ok installed'; then
  say "installing postgresql-15-postgis-3 (Debian) ..."
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends postgresql-15-postgis-3 >/dev/null
fi
say "$(dpkg-query -W -f='${Package} ${Version}' postgresql-15-postgis-3)"

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
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

port_in_use "$oidc_port" && die "port $oidc_port is in use (set ROBOTID_BENCH_OIDC_PORT)"
port_in_use "$geofence_port" && die "port $geofence_port is in use (set ROBOTID_BENCH_GEOFENCE_PORT)"

say "2/3 fresh databases $service_db and $postgis_db (postgis extension)"
for db in "$service_db" "$postgis_db"; do
  psql_admin -d postgres -v db="$db" <<<'DROP DATABASE IF EXISTS :"db" WITH (FORCE);' >/dev/null
  psql_admin -d postgres -v db="$db" <<<'CREATE DATABASE :"db";' >/dev/null
done
psql_admin -d "$postgis_db" -c 'CREATE EXTENSION postgis;' >/dev/null

say "starting the local OIDC provider on port $oidc_port"
SERVER_HOSTNAME=127.0.0.1 SERVER_PORT="$oidc_port" JSON_CONFIG_PATH="$root/local-oidc/src/main/config/mock-oauth2-server.json" \
  nohup "$java" -cp "local-oidc/target/lib/*" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt \
  </dev/null >"$out/local-oidc.log" 2>&1 &
pids+=("$!")
for _ in $(seq 120); do
  curl -sf -o /dev/null "$issuer/.well-known/openid-configuration" && break
  kill -0 "${pids[0]}" 2>/dev/null || die "the OIDC provider exited (see $out/local-oidc.log)"
  sleep 1
done
curl -sf -o /dev/null "$issuer/jwks" || die "no OIDC provider at $issuer"

say "starting geofence-service on port $geofence_port (database $service_db, feeds off)"
rm -rf "$out/keys"
QUARKUS_HTTP_PORT="$geofence_port" ROBOTID_DB_HOST="$db_host" ROBOTID_DB_PORT="$db_port" ROBOTID_DB_USER="$db_user" \
  ROBOTID_DB_PASSWORD="$db_password" ROBOTID_OIDC_ISSUER="$issuer" ROBOTID_FEEDS_ENABLED=false \
  ROBOTID_GEOFENCE_SIGNING_KEYS_DIR="$out/keys" \
  nohup "$java" -Drobotid.db.name="$service_db" ${ROBOTID_BENCH_JAVA_OPTS:-} \
  -jar geofence-service/target/quarkus-app/quarkus-run.jar </dev/null >"$out/geofence-service.log" 2>&1 &
service_pid="$!"
pids+=("$service_pid")
for _ in $(seq 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$geofence_port/q/health/ready")" = 200 ] && break
  kill -0 "$service_pid" 2>/dev/null || { tail -n 30 "$out/geofence-service.log" >&2; die "geofence-service exited"; }
  sleep 1
done
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
