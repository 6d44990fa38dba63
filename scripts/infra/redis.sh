#!/usr/bin/env bash
# Redis for tests, on loopback, no persistence.
#   redis.sh start   reuse a Redis on 127.0.0.1:$REDIS_PORT, else start one;
#                    stdout: REDIS_ADDR=127.0.0.1:63799
#   redis.sh stop    stop the server this script started (pid file)
set -euo pipefail
INFRA_NAME=redis
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REDIS_PORT="${REDIS_PORT:-63799}"
R_RUN="$INFRA_RUN/redis"
R_PID="$INFRA_RUN/redis.pid"
R_LOG="$R_RUN/redis.log"

# Speak RESP over bash /dev/tcp: no redis-cli needed.
redis_ping() {
  timeout 2 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$REDIS_PORT"' || exit 1
    printf "PING\r\n" >&3
    IFS= read -r -t 2 line <&3 || exit 1
    [[ $line == "+PONG"* ]]' 2>/dev/null
}

find_redis() {
  local c
  for c in "${REDIS_SERVER_BIN:-}" "$(command -v redis-server 2>/dev/null || true)" /usr/bin/redis-server /usr/local/bin/redis-server; do
    if [[ -n $c && -x $c ]]; then
      REDIS_BIN="$c"
      return 0
    fi
  done
  return 1
}

cmd_start() {
  infra_lock redis
  local pid
  if pid=$(pid_alive "$R_PID" redis-server) && redis_ping; then
    log "redis already running (pid $pid), reusing it"
  elif redis_ping; then
    log "a Redis already answers on 127.0.0.1:$REDIS_PORT, reusing it"
  elif tcp_open 127.0.0.1 "$REDIS_PORT"; then
    die "port 127.0.0.1:$REDIS_PORT is taken by something that does not answer Redis PING ($(port_owner "$REDIS_PORT")); free it or set REDIS_PORT"
  else
    if ! find_redis; then
      log "redis-server not found; installing via apt"
      apt_install redis-server
      find_redis || die "redis-server installed but not found on PATH"
    fi
    log "using $("$REDIS_BIN" --version | head -n1)"
    rm -f "$R_PID"
    rm -rf "$R_RUN"
    mkdir -p "$R_RUN"
    local t0
    t0=$(date +%s)
    log "starting redis on 127.0.0.1:$REDIS_PORT (no persistence, dir $R_RUN)"
    # Foreground mode under spawn_daemon so the pid file holds the server pid.
    spawn_daemon "$R_PID" "$R_LOG" "$REDIS_BIN" \
      --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
      --save '' --appendonly no --dir "$R_RUN" \
      --daemonize no --supervised no --loglevel notice
    if ! wait_until 30 "redis" redis_ping; then
      show_log_tail "$R_LOG"
      die "redis did not answer PING on 127.0.0.1:$REDIS_PORT within 30s; log: $R_LOG"
    fi
    log "redis up in $(elapsed_since "$t0")s (pid $(cat "$R_PID"))"
  fi
  echo "REDIS_ADDR=127.0.0.1:$REDIS_PORT"
}

cmd_stop() {
  infra_lock redis
  stop_pidfile "$R_PID" redis redis-server
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
