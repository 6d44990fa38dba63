#!/usr/bin/env bash
# PostgreSQL for tests, on loopback.
#   postgres.sh start  reuse $DATABASE_URL or a server on 127.0.0.1:$PGPORT, else
#                      initdb a fresh throw-away cluster and start it;
#                      stdout: DATABASE_URL=postgres://postgres@127.0.0.1:54329/todo_test
#   postgres.sh stop   stop the server this script started (pid file)
#   postgres.sh url    print the URL (bare, no KEY=) of a reachable server, or fail
set -euo pipefail
INFRA_NAME=postgres
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_PORT="${PGPORT:-54329}"
PG_DB="todo_test"
PG_RUN="$INFRA_RUN/postgres"
PG_DATA="$PG_RUN/data"
PG_LOG="$PG_RUN/postgres.log"
PG_PIDFILE="$INFRA_RUN/postgres.pid"
LOCAL_URL="postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"

PGBIN=""
# Locate a server installation: a dir holding postgres, initdb, pg_ctl, pg_isready.
find_pgbin() {
  local cands=() d p
  # Debian/Ubuntu layout, newest major first.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do cands+=("$d"); done
  # Anything on PATH (e.g. /usr/local/bin/postgres, often a symlink into the above).
  for p in postgres initdb; do
    if have "$p"; then cands+=("$(dirname "$(readlink -f "$(command -v "$p")")")"); fi
  done
  have pg_config && cands+=("$(pg_config --bindir 2>/dev/null || true)")
  for d in "${cands[@]}"; do
    [[ -n $d ]] || continue
    if [[ -x $d/postgres && -x $d/initdb && -x $d/pg_ctl ]] && "$d/postgres" --version >/dev/null 2>&1; then
      PGBIN="$d"
      return 0
    fi
  done
  return 1
}

# Client tools: prefer the server's bindir, fall back to PATH.
pgtool() {
  local t=$1
  shift
  if [[ -n $PGBIN && -x $PGBIN/$t ]]; then "$PGBIN/$t" "$@"; elif have "$t"; then "$t" "$@"; else return 127; fi
}

# url_ok URL : can we run a query there?
url_ok() {
  if [[ -n $PGBIN && -x $PGBIN/psql ]] || have psql; then
    PGCONNECT_TIMEOUT=3 pgtool psql "$1" -XAtqc 'select 1' >/dev/null 2>&1
  else
    PGCONNECT_TIMEOUT=3 pgtool pg_isready -q -d "$1" >/dev/null 2>&1
  fi
}

local_ready() { pgtool pg_isready -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

# Run as the cluster owner: postgres refuses to run as root.
PG_USER=""
as_pg() {
  # fd 9 is the lock (lib.sh infra_lock): pg_ctl start must not hand it to the postmaster.
  if [[ -z $PG_USER ]]; then "$@" 9>&-; else (cd "$PG_RUN" && runuser -u "$PG_USER" -- "$@" 9>&-); fi
}

ensure_pg_user() {
  if [[ $(id -u) != 0 ]]; then
    PG_USER=""
    return 0
  fi
  PG_USER=postgres
  if ! id -u postgres >/dev/null 2>&1; then
    log "creating system user 'postgres' (postgres refuses to run as root)"
    useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres ||
      die "could not create system user 'postgres'; create it (useradd --system postgres) or run this script as a non-root user"
  fi
  have runuser || die "runuser (util-linux) not found; needed to run postgres as user 'postgres'"
}

ensure_db() {
  local exists
  exists="$(pgtool psql -XAtq -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -c "select 1 from pg_database where datname='$PG_DB'" 2>/dev/null || true)"
  if [[ $exists != 1 ]]; then
    log "creating database $PG_DB"
    pgtool psql -XAtq -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "create database $PG_DB" >&2 ||
      die "could not create database $PG_DB on 127.0.0.1:$PG_PORT as user postgres (is loopback trust auth configured?)"
  fi
}

start_local() {
  if ! find_pgbin; then
    log "no PostgreSQL server binaries found (checked /usr/lib/postgresql/*/bin and PATH); installing via apt"
    apt_install postgresql
    find_pgbin || die "PostgreSQL installed but postgres/initdb/pg_ctl not found under /usr/lib/postgresql/*/bin"
  fi
  log "using $("$PGBIN/postgres" --version) from $PGBIN"
  ensure_pg_user

  rm -rf "$PG_RUN"
  mkdir -p "$PG_RUN"
  if [[ -n $PG_USER ]]; then
    chown "$PG_USER:" "$PG_RUN"
    runuser -u "$PG_USER" -- test -w "$PG_RUN" ||
      die "user $PG_USER cannot write $PG_RUN (a parent dir is not traversable); set TODO_INFRA_RUN to a world-traversable path such as /tmp/todo-infra"
  fi
  local t0
  t0=$(date +%s)
  log "initdb fresh cluster in $PG_DATA"
  as_pg "$PGBIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale --no-sync >"$PG_RUN/initdb.log" 2>&1 || {
    show_log_tail "$PG_RUN/initdb.log"
    die "initdb failed; see $PG_RUN/initdb.log"
  }
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- scripts/infra/postgres.sh: throw-away test cluster ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
log_min_messages = warning
EOF
  # Per-statement timings for benchmark and slow-test investigations: `create extension
  # pg_stat_statements` in a database, then read the view.
  if [[ -e $PGBIN/../lib/pg_stat_statements.so ]]; then
    echo "shared_preload_libraries = 'pg_stat_statements'" >>"$PG_DATA/postgresql.conf"
  fi
  cat >"$PG_DATA/pg_hba.conf" <<EOF
# scripts/infra/postgres.sh: trust on loopback only
local all all trust
host  all all 127.0.0.1/32 trust
EOF
  log "starting postgres on 127.0.0.1:$PG_PORT"
  if ! as_pg "$PGBIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >"$PG_RUN/pg_ctl.log" 2>&1; then
    show_log_tail "$PG_RUN/pg_ctl.log"
    show_log_tail "$PG_LOG"
    die "postgres failed to start; log: $PG_LOG"
  fi
  head -n1 "$PG_DATA/postmaster.pid" >"$PG_PIDFILE"
  echo "$PG_DATA" >>"$PG_PIDFILE"
  wait_until 30 "postgres (pg_isready)" local_ready || die "postgres started but pg_isready fails on 127.0.0.1:$PG_PORT; log: $PG_LOG"
  ensure_db
  log "postgres up in $(elapsed_since "$t0")s (pid $(head -n1 "$PG_PIDFILE"), data $PG_DATA)"
}

cmd_start() {
  infra_lock postgres
  find_pgbin || true
  if [[ -n ${DATABASE_URL:-} ]]; then
    if url_ok "$DATABASE_URL"; then
      log "DATABASE_URL is set and reachable, reusing it"
      echo "DATABASE_URL=$DATABASE_URL"
      return 0
    fi
    log "DATABASE_URL is set but not reachable; falling back to a local server on 127.0.0.1:$PG_PORT"
  fi
  local pid
  if pid=$(pid_alive "$PG_PIDFILE" postgres) && local_ready; then
    log "postgres already running (pid $pid), reusing it"
    ensure_db
  elif local_ready; then
    log "a server already answers on 127.0.0.1:$PG_PORT, reusing it"
    ensure_db
  elif tcp_open 127.0.0.1 "$PG_PORT"; then
    die "port 127.0.0.1:$PG_PORT is taken by something that is not PostgreSQL ($(port_owner "$PG_PORT")); free it or set PGPORT"
  elif pid=$(pid_alive "$PG_PIDFILE" postgres); then
    # A fresh cluster replaces $PG_RUN: never under a server this script started that still runs
    # (on another port — PGPORT changed, TODO_INFRA_RUN did not).
    die "the server started earlier from $PG_RUN (pid $pid) still runs, not on port $PG_PORT; stop it first ($0 stop) or give this one a TODO_INFRA_RUN of its own"
  else
    rm -f "$PG_PIDFILE"
    start_local
  fi
  echo "DATABASE_URL=$LOCAL_URL"
}

cmd_stop() {
  infra_lock postgres
  local pid data
  if ! pid=$(pid_alive "$PG_PIDFILE" postgres); then
    log "no postgres started by this script is running"
    rm -f "$PG_PIDFILE"
    return 0
  fi
  data="$(sed -n 2p "$PG_PIDFILE")"
  find_pgbin || true
  if [[ -n $PGBIN && -d $data ]]; then
    [[ $(id -u) == 0 ]] && PG_USER="$(stat -c %U "$data")"
    log "stopping postgres (pid $pid, data $data)"
    if run_prefixed as_pg "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 30 stop; then
      rm -f "$PG_PIDFILE"
      log "postgres stopped"
      return 0
    fi
    log "pg_ctl stop failed; signalling the postmaster directly"
  fi
  stop_pidfile "$PG_PIDFILE" postgres postgres INT
}

cmd_url() {
  find_pgbin || true
  if [[ -n ${DATABASE_URL:-} ]] && url_ok "$DATABASE_URL"; then
    echo "$DATABASE_URL"
  elif local_ready; then
    echo "$LOCAL_URL"
  else
    die "no PostgreSQL reachable (DATABASE_URL unset/unreachable, nothing on 127.0.0.1:$PG_PORT); run: scripts/infra/postgres.sh start"
  fi
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) cmd_url ;;
  *)
    echo "usage: $0 start|stop|url" >&2
    exit 2
    ;;
esac
