#!/usr/bin/env bash
# The hot paths of issue 18, measured with load tools not written here, in one run on this machine:
#   0. JMH, one thread each: geofence-engine alone (GeofenceEngineBenchmark) and Ed25519 sign / verify,
#      JDK SunEC against BouncyCastle through io.robotid.evidence.crypto.Ed25519 (Ed25519Benchmark);
#   1. start time of each service alone (java -jar to /q/health/ready 200), on fresh databases;
#   2. the local OIDC provider and all five services from their built jars on their own ports and databases
#      (geofence-service following the lifecycle and certification feeds); a robot made IN_SERVICE and
#      certified through the services, the zones loaded through CreateZone;
#   3. h2load (nghttp2-client, installed with apt-get when missing) with gRPC-framed request bodies against
#      geofence-service: grpc.health.v1.Health/Check without token (the floor), Echo with the robot's token,
#      CheckPermission ALLOW and DENY with the robot's own token, StreamChecks (K checks a stream) on one
#      stream and on many; the grpc-status of a sample of the same requests checked with grpc-java;
#   4. pgbench (-M prepared, 8 clients) with ST_Covers point queries on the same polygons in PostGIS
#      (postgresql-15-postgis-3, installed when missing), GiST index;
#   5. latency at fractions of the CheckPermission saturation: bench's open-loop generator, and h2load at fixed
#      rates (--rps, --log-file) for Health/Check (the floor) and then ALLOW at the same rate;
#   6. issuance through identity-service against a COPY of as many rows;
#   7. every service's RSS after the load, geofence-service's restart time with the zones, and a summary of
#      every figure with its floor and target (bench/target/hotpaths/summary.txt).
#
#   bench/hotpaths.sh                  the full run: 100,000 zones, 20 s per figure after 5 s warm-up, 2 rounds
#   bench/hotpaths.sh --quick          a short run: 10,000 zones, 5 s after 2 s, 1 round, fewer IDs
#
# Options (after --quick, which sets the short defaults first): --zones N, --seconds S, --warmup S,
# --rounds N (h2load rounds, best of), --start-rounds N (1 first start + N-1 restarts of each service),
# --connections 8, --streams 16 (h2load -c / -m), --h2load-threads 1, --stream-messages K (1000),
# --verify-sample N (500), --pg-clients 8, --rates 0.1,0.25,0.5 (fractions of saturation), --ids N (100000),
# --batch N (50000), --skip-jmh yes, --only-start yes (step 1 alone: the start times, then stop).
#
# Ports (own, so a local run of bin/robotid up is not disturbed): ROBOTID_BENCH_IDENTITY_PORT (28101),
# _FILING_PORT (28102), _LIFECYCLE_PORT (28103), _CERTIFICATION_PORT (28104), _GEOFENCE_PORT (28105),
# ROBOTID_BENCH_OIDC_PORT (28090). Databases robotid_<service>_hotpaths and robotid_postgis_hotpaths, dropped
# and created afresh. The services run on the JVM bin/robotid gives them (a JDK 25+ when there is one), with its
# JVM options (jvm_options) and class data (class_data_options: the AOT cache on JDK 25+, recorded by the first
# start, else the AppCDS archive), then ROBOTID_BENCH_JAVA_OPTS (bench/lib.sh). The services run from copies of their built
# applications (bench/target/hotpaths/apps/), so that a rebuild during the run does not disturb it.
# Output: bench/target/hotpaths/ (summary.txt, report.txt, results.properties, h2load-*.txt, pgbench*.txt,
# jmh-*.json, logs/).
# Builds what is missing (after code changes: ./mvnw -q -DskipTests package -pl bench,local-oidc,<services> -am).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench_name="hotpaths.sh"
out="$root/bench/target/hotpaths"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

# ------------------------------------------------------------------------------------------ options
mode=full zones=100000 seconds=20 warmup=5 rounds=2 start_rounds=4 stream_messages=1000 verify_sample=500
ids=100000 batch=50000 skip_jmh=no only_start=no
jmh_quick=()
passed=()
for arg in "$@"; do
  if [ "$arg" = "--quick" ]; then
    mode=quick zones=10000 seconds=5 warmup=2 rounds=1 start_rounds=2 stream_messages=200 verify_sample=100
    ids=20000 batch=10000
    jmh_quick=(-wi 1 -w 1s -i 2 -r 2s)
  fi
done
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a="${args[$i]}"
  [ "$a" = "--quick" ] && continue
  [ $((i + 1)) -lt ${#args[@]} ] || die "option $a needs a value"
  v="${args[$((i + 1))]}"
  i=$((i + 1))
  case "$a" in
    --zones) zones="$v" ;;
    --seconds) seconds="$v" ;;
    --warmup) warmup="$v" ;;
    --rounds) rounds="$v" ;;
    --start-rounds) start_rounds="$v" ;;
    --stream-messages) stream_messages="$v" ;;
    --verify-sample) verify_sample="$v" ;;
    --ids) ids="$v" ;;
    --batch) batch="$v" ;;
    --skip-jmh) skip_jmh="$v" ;;
    --only-start) only_start="$v" ;;
    --*) passed+=("$a" "$v") ;;
    *) die "unknown argument $a" ;;
  esac
done

# geofence-service's default heap (bin/robotid: 512m) holds 100,000 of these zones (measured, with an index of
# 64 MB); more than that has not been measured here, so a larger run gives it 1g
if [ "$zones" -gt 100000 ] && [ -z "${ROBOTID_GEOFENCE_HEAP:-}" ]; then
  export ROBOTID_GEOFENCE_HEAP=1g
  say "$zones zones: geofence-service gets a 1g heap (ROBOTID_GEOFENCE_HEAP sets another)"
fi

declare -A port=(
  [identity-service]="${ROBOTID_BENCH_IDENTITY_PORT:-28101}"
  [filing-service]="${ROBOTID_BENCH_FILING_PORT:-28102}"
  [lifecycle-service]="${ROBOTID_BENCH_LIFECYCLE_PORT:-28103}"
  [certification-service]="${ROBOTID_BENCH_CERTIFICATION_PORT:-28104}"
  [geofence-service]="${ROBOTID_BENCH_GEOFENCE_PORT:-28105}"
)
services=(filing-service identity-service lifecycle-service certification-service geofence-service)
oidc_port="${ROBOTID_BENCH_OIDC_PORT:-28090}"
issuer="http://127.0.0.1:${oidc_port}/robotid"
postgis_db=robotid_postgis_hotpaths
database() { printf 'robotid_%s_hotpaths' "${1%-service}"; }

rm -rf "$out"
mkdir -p "$out/logs"
results="$out/results.properties"
result() { printf '%s=%s\n' "$1" "$2" >>"$results"; }
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[ -z "$(git status --porcelain 2>/dev/null | grep -v '^??' || true)" ] || commit="$commit+uncommitted changes"
result meta.mode "$mode"
result meta.commit "$commit"
result meta.started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
result meta.load_at_start "$(load_average)"
say "$mode run: $zones zones, $seconds s per figure after $warmup s warm-up; commit $commit; load average $(load_average)"

# ------------------------------------------------------------------------------------------ tools
command -v h2load >/dev/null 2>&1 || ensure_package nghttp2-client
say "$(h2load --version | head -n 1)"
ensure_package postgresql-15-postgis-3
pgbench --version >/dev/null 2>&1 || ensure_package postgresql-contrib
say "$(pgbench --version)"
command -v psql >/dev/null 2>&1 || die "psql not found (Debian: postgresql-client)"

# ------------------------------------------------------------------------------------------ build
bench_jar=bench/target/quarkus-app/quarkus-run.jar
if [ ! -f "$bench_jar" ] || [ -n "$(find bench/src bench/pom.xml -newer "$bench_jar" -type f 2>/dev/null | head -n 1)" ]; then
  say "building bench ..."
  ./mvnw -B -q -DskipTests package -pl bench || ./mvnw -B -q -DskipTests package -pl bench -am
fi
if ! ls local-oidc/target/lib/mock-oauth2-server-*.jar >/dev/null 2>&1; then
  say "building local-oidc ..."
  ./mvnw -B -q -DskipTests package -pl local-oidc
fi
for svc in "${services[@]}"; do
  jar="$svc/target/quarkus-app/quarkus-run.jar"
  # missing: perhaps being rebuilt right now by other work; wait a little before building it here
  for _ in $(seq 12); do [ -f "$jar" ] || sleep 10; done
  if [ ! -f "$jar" ]; then
    say "building $svc ..."
    ./mvnw -B -q -DskipTests package -pl "$svc" -am
  fi
  newer="$(find "$svc/src/main" service-kit/src/main evidence/src/main proto/src/main/proto -newer "$jar" -type f 2>/dev/null | head -n 1)"
  [ -z "$newer" ] || say "NOTE: $jar is older than $newer: the figures are of the built jar (rebuild: ./mvnw -q -DskipTests package -pl $svc -am)"
  result "meta.jar.$svc" "$(date -u -r "$jar" +%Y-%m-%dT%H:%M:%SZ)"
done

# the services run from a copy: a rebuild during the run (other work on this machine) must not change them
snapshot_services "$out/apps" "${services[@]}"
say "services run from copies of their built jars in $out/apps/ (built: $(for s in "${services[@]}"; do printf '%s %s  ' "${s%-service}" "$(date -r "$s/target/quarkus-app/quarkus-run.jar" +%H:%M)"; done))"
for svc in "${services[@]}"; do
  say "   JVM options of $svc: $(service_java_opts "$svc")"
done

# ------------------------------------------------------------------------------------------ 0. JMH
jmh() { "$java" -cp "bench/target/quarkus-app/app/*:bench/target/quarkus-app/lib/main/*" org.openjdk.jmh.Main "$@"; }
if [ "$skip_jmh" != yes ]; then
  say "0. JMH, one thread: geofence-engine alone with $zones zones (load average $(load_average))"
  jmh GeofenceEngineBenchmark -p zones="$zones" "${jmh_quick[@]}" -rf json -rff "$out/jmh-engine.json" \
    -jvmArgsAppend "-Dgeofence.cpu-file=$out/jmh-engine-cpu.txt" >"$out/jmh-engine.txt" 2>&1 ||
    { tail -n 30 "$out/jmh-engine.txt" >&2; die "JMH failed (see $out/jmh-engine.txt)"; }
  grep -E '^Geofence.*thrpt' "$out/jmh-engine.txt" || true
  say "0. JMH, one thread: Ed25519 sign and verify, JDK SunEC and BouncyCastle (load average $(load_average))"
  jmh Ed25519Benchmark "${jmh_quick[@]}" -rf json -rff "$out/jmh-ed25519.json" >"$out/jmh-ed25519.txt" 2>&1 ||
    { tail -n 30 "$out/jmh-ed25519.txt" >&2; die "JMH failed (see $out/jmh-ed25519.txt)"; }
  grep -E '^Ed25519.*thrpt' "$out/jmh-ed25519.txt" || true
fi

# ------------------------------------------------------------------------------------------ 1. start times
bench_trap
for svc in "${services[@]}"; do port_in_use "${port[$svc]}" && die "port ${port[$svc]} for $svc is in use (set ROBOTID_BENCH_*_PORT)"; done
say "1. fresh databases: $(for s in "${services[@]}"; do printf '%s ' "$(database "$s")"; done)$postgis_db (postgis)"
for svc in "${services[@]}"; do fresh_database "$(database "$svc")"; done
fresh_database "$postgis_db" postgis
start_oidc "$oidc_port"

service_env() {
  printf '%s\n' ROBOTID_OIDC_ISSUER="$issuer" \
    ROBOTID_IDENTITY_PORT="${port[identity-service]}" ROBOTID_FILING_PORT="${port[filing-service]}" \
    ROBOTID_LIFECYCLE_PORT="${port[lifecycle-service]}" ROBOTID_CERTIFICATION_PORT="${port[certification-service]}" \
    ROBOTID_GEOFENCE_PORT="${port[geofence-service]}" \
    ROBOTID_SIGNING_KEYS_DIR="$out/keys/identity" ROBOTID_GEOFENCE_SIGNING_KEYS_DIR="$out/keys/geofence" \
    ROBOTID_PUBLIC_BASE_URL="http://127.0.0.1:${port[identity-service]}"
}
mapfile -t env_list < <(service_env)

# cds_note SERVICE LOG: the class data that start used (the options start_timed saw), and whether the JVM refused it
cds_note() {
  case "$started_opts" in
    *-XX:AOTCacheOutput=*) printf ', recording its AOT cache (Java %s; written as it stops)' "$(java_major "$service_jvm")" ;;
    *-XX:AOTCache=*)
      if grep -q '\[error\]\[aot\]' "$2"; then printf ', its AOT cache NOT used (see %s)' "$2"; else printf ', from its AOT cache'; fi ;;
    *-XX:SharedArchiveFile=*)
      if grep -q 'Unable to use shared archive' "$2"; then printf ', its AppCDS archive NOT used (see %s)' "$2"; else printf ', AppCDS'; fi ;;
  esac
}

# start_timed SERVICE LOG: starts it, waits until ready; the milliseconds in $elapsed_ms, the pid in $started_pid
start_timed() {
  local t0
  require_oidc
  started_opts="$(service_java_opts "$1")"
  t0="$(now_ms)"
  start_service "$1" "${port[$1]}" "$(database "$1")" "$2" "${env_list[@]}"
  wait_ready "$1" "${port[$1]}" "$started_pid" "$2"
  elapsed_ms=$(($(now_ms) - t0))
}

say "1. start time of each service alone, $start_rounds round(s) (the first on its fresh database: migrations, keys)"
declare -A restarts=()
for ((round = 1; round <= start_rounds; round++)); do
  for svc in "${services[@]}"; do
    sleep 1
    load="$(load_average)"
    start_timed "$svc" "$out/logs/$svc-start-$round.log"
    stop_pid "$started_pid"
    if [ "$round" = 1 ]; then
      result "start.$svc.first" "$elapsed_ms"
    else
      restarts[$svc]="${restarts[$svc]:+${restarts[$svc]},}$elapsed_ms"
    fi
    say "   round $round: $svc ready after $elapsed_ms ms (load average $load)$(cds_note "$svc" "$out/logs/$svc-start-$round.log")"
  done
done
for svc in "${services[@]}"; do [ -z "${restarts[$svc]:-}" ] || result "start.$svc.runs" "${restarts[$svc]}"; done
if [ "$only_start" = yes ]; then
  for svc in "${services[@]}"; do
    say "start of $svc: first $(grep "^start.$svc.first=" "$results" | cut -d= -f2) ms, restarts ${restarts[$svc]:-none} ms"
  done
  exit 0
fi

# ------------------------------------------------------------------------------------------ 2-6. the measurements
say "2. starting all five services (their logs: $out/logs/)"
declare -A pid=()
result meta.service_java "$service_jvm (Java $(java_major "$service_jvm"))"
for svc in "${services[@]}"; do
  result "meta.jvm.$svc" "$(service_java_opts "$svc")"
  start_service "$svc" "${port[$svc]}" "$(database "$svc")" "$out/logs/$svc.log" "${env_list[@]}"
  pid[$svc]="$started_pid"
done
for svc in "${services[@]}"; do wait_ready "$svc" "${port[$svc]}" "${pid[$svc]}" "$out/logs/$svc.log"; done
require_oidc
say "   ready: $(for s in "${services[@]}"; do printf '%s (pid %s) ' "$s" "${pid[$s]}"; done)"

pids_option="$(for s in "${services[@]}"; do printf '%s=%s,' "$s" "${pid[$s]}"; done)"
set +e
"$java" -jar "$bench_jar" hotpaths --out "$out" --issuer "$issuer" \
  --geofence "127.0.0.1:${port[geofence-service]}" --filing "127.0.0.1:${port[filing-service]}" \
  --identity "127.0.0.1:${port[identity-service]}" --lifecycle "127.0.0.1:${port[lifecycle-service]}" \
  --certification "127.0.0.1:${port[certification-service]}" --pids "${pids_option%,}" \
  --geofence-jdbc "$(jdbc "$(database geofence-service)")" --identity-jdbc "$(jdbc "$(database identity-service)")" \
  --postgis "$(jdbc "$postgis_db")" --pg-host "$db_host" --pg-port "$db_port" --pg-user "$db_user" --pg-db "$postgis_db" \
  --zones "$zones" --seconds "$seconds" --warmup "$warmup" --rounds "$rounds" --stream-messages "$stream_messages" \
  --verify-sample "$verify_sample" --ids "$ids" --batch "$batch" "${passed[@]}" 2>&1 | tee "$out/report.txt"
status="${PIPESTATUS[0]}"
set -e
if [ "$status" != 0 ]; then
  kill -0 "$oidc_pid" 2>/dev/null || say "the local OIDC provider (pid $oidc_pid) is gone: it exited or was killed from outside"
  say "the measurements failed (exit $status; see $out/report.txt); the summary shows what was measured"
fi

# ------------------------------------------------------------------------------------------ 7. restart with zones, summary
if [ "$status" = 0 ]; then
  svc=geofence-service
  stop_pid "${pid[$svc]}"
  sleep 1
  start_timed "$svc" "$out/logs/$svc.log"
  pid[$svc]="$started_pid"
  result "start.$svc.with_zones" "$elapsed_ms"
  say "7. geofence-service restarted with $zones zones (the other services idle): ready after $elapsed_ms ms"
fi
blocked="$(cat "$out"/logs/*.log | grep -c 'Thread blocked' || true)"
say "service logs: $out/logs/ ($blocked 'Thread blocked' warnings of the Vert.x event-loop checker)"

jmh_files=()
[ ! -f "$out/jmh-engine.json" ] || jmh_files+=(--jmh-engine "$out/jmh-engine.json" --jmh-engine-cpu "$out/jmh-engine-cpu.txt")
[ ! -f "$out/jmh-ed25519.json" ] || jmh_files+=(--jmh-ed25519 "$out/jmh-ed25519.json")
"$java" -jar "$bench_jar" hotpaths-summary --out "$out" "${jmh_files[@]}"
exit "$status"
