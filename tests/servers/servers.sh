# shellcheck shell=bash
# Real PostgreSQL, Redis and nats-server (Debian's packages) on loopback, each in its own temporary
# folder, for the tests that need them. Source this file, then call start_postgres / start_redis /
# start_nats; each exports its URL (DATABASE_URL, REDIS_URL, NATS_URL). stop_* and restart_* exist for
# the fault tests. servers_cleanup stops everything and removes the folders.

export SERVERS_DIR=${SERVERS_DIR:-$(mktemp -d /tmp/pleb-servers.XXXXXX)}
chmod 755 "$SERVERS_DIR"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

# A port nobody listens on now, below the kernel's range of ephemeral ports: a port in that range can
# be taken at any time as the local end of some outgoing connection (a busy test machine makes
# thousands), and then a server cannot bind it, at start or at a restart_* after stop_*. The caller
# tries another port when a race takes it first (start_*).
free_port() {
  local port ephemeral_low
  ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  ((ephemeral_low > 12000)) || ephemeral_low=32768
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (ephemeral_low - 10000)))
    if ! ss -Htan "sport = :$port" 2>/dev/null | grep -q .; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# Waits until something answers on the port; with a pid, fails as soon as that process has exited, and
# with a log file, shows its end when the server did not start.
wait_for_port() {
  local port=$1 what=$2 pid=${3:-} log=${4:-}
  for _ in $(seq 1 400); do
    if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "servers.sh: $what did not start on port $port" >&2
  [[ -n $log && -f $log ]] && tail -n 20 "$log" >&2
  return 1
}

# PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user.
as_pg_user() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_on_free_port VARIABLE START_FUNCTION: a port picked free may be taken before the server binds
# it; then another is picked (three tries).
start_on_free_port() {
  local variable=$1 start=$2
  for _ in 1 2 3; do
    export "$variable=$(free_port)"
    "$start" && return 0
  done
  return 1
}

start_postgres() {
  PG_DIR=$SERVERS_DIR/postgres
  mkdir -p "$PG_DIR"
  [[ $(id -u) -eq 0 ]] && chown postgres "$PG_DIR"
  as_pg_user "$PG_BIN/initdb" -D "$PG_DIR" -A trust -U pleb --no-sync -E UTF8 --locale=C.UTF-8 >"$SERVERS_DIR/initdb.log" 2>&1 || {
    cat "$SERVERS_DIR/initdb.log" >&2
    return 1
  }
  export PG_DIR
  start_on_free_port PG_PORT restart_postgres || return 1
  export DATABASE_URL="postgresql://pleb@127.0.0.1:$PG_PORT/postgres"
}

# Starts (again) the cluster made by start_postgres, on the same port and data.
restart_postgres() {
  as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || {
    cat "$PG_DIR/server.log" >&2
    return 1
  }
}

stop_postgres() {
  [[ -n ${PG_DIR:-} && -f $PG_DIR/postmaster.pid ]] && as_pg_user "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w stop >/dev/null
  return 0
}

start_redis() {
  REDIS_DIR=$SERVERS_DIR/redis
  mkdir -p "$REDIS_DIR"
  export REDIS_DIR
  start_on_free_port REDIS_PORT restart_redis || return 1
  export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
}

restart_redis() {
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" >/dev/null
  wait_for_port "$REDIS_PORT" redis-server "" "$REDIS_DIR/redis.log"
}

stop_redis() {
  [[ -f ${REDIS_DIR:-/nonexistent}/redis.pid ]] && stop_pidfile "$REDIS_DIR/redis.pid"
  return 0
}

start_nats() {
  NATS_DIR=$SERVERS_DIR/nats
  mkdir -p "$NATS_DIR"
  export NATS_DIR
  start_on_free_port NATS_PORT restart_nats || return 1
  export NATS_URL="nats://127.0.0.1:$NATS_PORT"
}

# JetStream keeps its streams in $NATS_DIR/jetstream, so a restart finds them again.
restart_nats() {
  nats-server -a 127.0.0.1 -p "$NATS_PORT" -js -sd "$NATS_DIR/jetstream" -P "$NATS_DIR/nats.pid" \
    -l "$NATS_DIR/nats.log" </dev/null >/dev/null 2>&1 &
  wait_for_port "$NATS_PORT" nats-server $! "$NATS_DIR/nats.log"
}

stop_nats() {
  [[ -f ${NATS_DIR:-/nonexistent}/nats.pid ]] && stop_pidfile "$NATS_DIR/nats.pid"
  return 0
}

stop_pidfile() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null
  rm -f "$1"
  return 0
}

servers_cleanup() {
  stop_nats
  stop_redis
  stop_postgres
  rm -rf "$SERVERS_DIR"
}
