# Shell functions shared by the benchmarks that start their own processes (bench/geofence.sh,
# bench/hotpaths.sh): sourced, not run. Before sourcing, set `bench_name` (the prefix of messages) and
# `out` (the output directory); they need `root` (the repository) as the working directory.
#
# PostgreSQL from ROBOTID_DB_HOST / _PORT / _USER / _PASSWORD as everywhere. The services get the JVM options
# bin/robotid gives them, their AppCDS archive (app-cds.jsa next to quarkus-run.jar) when present, then
# ROBOTID_BENCH_JAVA_OPTS (see service_java_opts).

db_host="${ROBOTID_DB_HOST:-127.0.0.1}"
db_port="${ROBOTID_DB_PORT:-5432}"
db_user="${ROBOTID_DB_USER:-postgres}"
db_password="${ROBOTID_DB_PASSWORD:-}"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# every process started here, stopped by bench_cleanup (installed as the EXIT trap by bench_trap)
bench_pids=()

say() { printf '[%s] %s\n' "$bench_name" "$*"; }
die() { printf '[%s] %s\n' "$bench_name" "$*" >&2; exit 1; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
psql_admin() { PGOPTIONS="-c client_min_messages=warning" PGPASSWORD="$db_password" psql -X -q -v ON_ERROR_STOP=1 -h "$db_host" -p "$db_port" -U "$db_user" "$@"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# jdbc DB: the JDBC URL of database DB
jdbc() {
  local url="jdbc:postgresql://$db_host:$db_port/$1?user=$db_user"
  [ -z "$db_password" ] || url="$url&password=$db_password"
  printf '%s' "$url"
}

# ensure_package PACKAGE: installs the Debian package with apt-get when it is not installed
ensure_package() {
  if ! dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; then
    say "installing $1 (Debian) ..."
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$1" >/dev/null
  fi
  say "$(dpkg-query -W -f='${Package} ${Version}' "$1")"
}

# fresh_database DB [EXTENSION]: drops and creates DB (and the extension in it)
fresh_database() {
  psql_admin -d postgres -v db="$1" <<<'DROP DATABASE IF EXISTS :"db" WITH (FORCE);' >/dev/null
  psql_admin -d postgres -v db="$1" <<<'CREATE DATABASE :"db";' >/dev/null
  [ -z "${2:-}" ] || psql_admin -d "$1" -c "CREATE EXTENSION $2;" >/dev/null
}

# start_oidc PORT: the local OIDC provider (local-oidc module) on PORT, issuer http://127.0.0.1:PORT/robotid;
# waits until it answers
start_oidc() {
  local port="$1" issuer="http://127.0.0.1:$1/robotid" pid
  port_in_use "$port" && die "port $port is in use (set ROBOTID_BENCH_OIDC_PORT)"
  say "starting the local OIDC provider on port $port"
  SERVER_HOSTNAME=127.0.0.1 SERVER_PORT="$port" JSON_CONFIG_PATH="$root/local-oidc/src/main/config/mock-oauth2-server.json" \
    nohup "$java" -cp "local-oidc/target/lib/*" no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt \
    </dev/null >"$out/local-oidc.log" 2>&1 &
  pid="$!"
  oidc_pid="$pid"
  bench_pids+=("$pid")
  for _ in $(seq 120); do
    curl -sf -o /dev/null "$issuer/.well-known/openid-configuration" && break
    kill -0 "$pid" 2>/dev/null || die "the OIDC provider exited (see $out/local-oidc.log)"
    sleep 1
  done
  # the provider hands out its bundled keys in the order issuers are first used: take the key now
  curl -sf -o /dev/null "$issuer/jwks" || die "no OIDC provider at $issuer"
}

# require_oidc: dies when the OIDC provider start_oidc started is gone (tokens could not be had any more)
require_oidc() {
  kill -0 "${oidc_pid:-0}" 2>/dev/null ||
    die "the local OIDC provider (pid ${oidc_pid:-?}) is gone: it exited or was killed from outside (see $out/local-oidc.log)"
}

# service_app SERVICE: the directory of the service's built application (quarkus-app), or its snapshot
# under $bench_apps when snapshot_services made one
service_app() {
  if [ -n "${bench_apps:-}" ] && [ -d "$bench_apps/$1" ]; then
    printf '%s' "$bench_apps/$1"
  else
    printf '%s' "$root/$1/target/quarkus-app"
  fi
}

# snapshot_services DIR SERVICE...: copies each service's target/quarkus-app to DIR/SERVICE (timestamps kept) and
# starts the services from there, so that a rebuild of a service during the run (other work on the machine)
# does not pull its jars away under a running benchmark; a copy taken while a build wrote is taken again
snapshot_services() {
  local dir="$1" svc src attempt marker
  shift
  mkdir -p "$dir"
  marker="$dir/.snapshot-started"
  for svc in "$@"; do
    src="$root/$svc/target/quarkus-app"
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      touch "$marker"
      rm -rf "${dir:?}/$svc"
      cp -a "$src" "$dir/$svc" 2>/dev/null || true
      sleep 1
      if [ -f "$dir/$svc/quarkus-run.jar" ] && [ -z "$(find "$src" -newer "$marker" 2>/dev/null | head -n 1)" ]; then
        break
      fi
      say "$svc is being rebuilt; copying it again in 30 s ($attempt)"
      sleep 30
    done
  done
  bench_apps="$dir"
}

# robotid_jvm_options SERVICE: the JVM options bin/robotid gives the service (its function jvm_options, when it
# has one: heap and collector), without its class-data archive options (see service_java_opts), one a line
robotid_jvm_options() {
  local fn
  fn="$(sed -n '/^jvm_options() {/,/^}/p' "$root/bin/robotid" 2>/dev/null)"
  [ -n "$fn" ] || return 0
  (
    ROOT="$root"
    eval "$fn"
    jvm_options "$1"
  ) | grep -v -E '^-XX:SharedArchiveFile=|^-Xshare:' || true
}

# robotid_function NAME...: the text of bin/robotid's shell functions of those names, to eval, so that the
# services here run on the JVM and with the class data bin/robotid gives them
robotid_function() {
  local name
  for name in "$@"; do sed -n "/^$name() {/,/^}/p" "$root/bin/robotid" 2>/dev/null; done
}
eval "$(robotid_function java_major service_java class_data_options)"

# The services' JVM, chosen as bin/robotid chooses it (service_java: a JDK 25+ when there is one, else $java;
# ROBOTID_SERVICE_JAVA sets it).
service_jvm="$(JAVA="$java" service_java)"

# service_java_opts SERVICE: the JVM options a service is started with: those of bin/robotid, the class data it
# starts from (class_data_options: on JDK 25+ its AOT cache, recorded by its first start here and written when
# that start stops, used by every later one; on older JDKs the AppCDS archive the build made), then
# ROBOTID_BENCH_JAVA_OPTS. The service runs in its application directory: both record the class path as the
# relative quarkus-run.jar (with absolute paths JDK 17 prints "Unable to use shared archive" and starts
# without it).
service_java_opts() {
  local opts
  opts="$(robotid_jvm_options "$1" | tr '\n' ' ')"
  opts="$opts$(class_data_options "$1" "$service_jvm" | tr '\n' ' ')"
  printf '%s' "$opts${ROBOTID_BENCH_JAVA_OPTS:-}"
}

# start_service SERVICE PORT DATABASE LOG [NAME=VALUE ...]: starts SERVICE's built jar in the background with
# the environment of bin/robotid (plus the assignments given); the pid is in $started_pid
start_service() {
  local svc="$1" port="$2" db="$3" log="$4"
  shift 4
  port_in_use "$port" && die "port $port for $svc is in use"
  # shellcheck disable=SC2046 # the JVM options are a list
  (cd "$(service_app "$svc")" && exec env MALLOC_ARENA_MAX=2 QUARKUS_HTTP_PORT="$port" ROBOTID_DB_HOST="$db_host" ROBOTID_DB_PORT="$db_port" \
    ROBOTID_DB_USER="$db_user" ROBOTID_DB_PASSWORD="$db_password" "$@" \
    nohup "$service_jvm" $(service_java_opts "$svc") -Drobotid.db.name="$db" -jar quarkus-run.jar) </dev/null >>"$log" 2>&1 &
  started_pid="$!"
  bench_pids+=("$started_pid")
}

# wait_ready SERVICE PORT PID LOG [TIMEOUT_S]: polls /q/health/ready every 50 ms until 200; dies when the
# process exits or the time is up
wait_ready() {
  local svc="$1" port="$2" pid="$3" log="$4" deadline=$(($(now_ms) + ${5:-180} * 1000))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/q/health/ready" 2>/dev/null)" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$log" >&2; die "$svc exited (see $log)"; }
    [ "$(now_ms)" -lt "$deadline" ] || { tail -n 30 "$log" >&2; die "$svc not ready after ${5:-180} s (see $log)"; }
    sleep 0.05
  done
}

# stop_pid PID: SIGTERM, then SIGKILL after 120 s (a service recording its AOT cache writes it on the way out)
stop_pid() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${bench_pids[@]}"; do stop_pid "$pid"; done
}

bench_trap() { trap bench_cleanup EXIT; }
