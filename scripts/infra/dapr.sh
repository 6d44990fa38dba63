#!/usr/bin/env bash
# Build daprd + scheduler from the github.com/dapr/dapr Go module, run the
# scheduler on loopback.
#   dapr.sh build            build (or reuse) the binaries; stdout: DAPRD_BIN=…, DAPR_SCHEDULER_BIN=…
#   dapr.sh paths            print DAPRD_BIN=… and DAPR_SCHEDULER_BIN=… (no build; fails if missing)
#   dapr.sh start-scheduler  start (or reuse) a scheduler; stdout: DAPR_SCHEDULER_ADDR=127.0.0.1:<port>
#   dapr.sh stop-scheduler   stop the scheduler this script started
set -euo pipefail
INFRA_NAME=dapr
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DAPR_VERSION="${DAPR_VERSION:-v1.18.2}"   # v1.18.3 needs modules the Go proxy here does not serve
[[ $DAPR_VERSION == v* ]] || DAPR_VERSION="v$DAPR_VERSION"
DAPR_FALLBACK_LINE="${DAPR_FALLBACK_LINE:-v1.18.}"   # newest tag of this line if DAPR_VERSION fails
GO_MIN="1.26.6"                                       # `go` directive of dapr 1.18.x go.mod

DAPR_CACHE="$INFRA_CACHE/dapr"
SCHED_PORT="${DAPR_SCHEDULER_PORT:-50006}"
SCHED_HEALTHZ_PORT="${DAPR_SCHEDULER_HEALTHZ_PORT:-58081}"
SCHED_ETCD_CLIENT_PORT="${DAPR_SCHEDULER_ETCD_CLIENT_PORT:-52379}"
SCHED_ETCD_PEER_PORT="${DAPR_SCHEDULER_ETCD_PEER_PORT:-52380}"
SCHED_ID="dapr-scheduler-server-0"
SCHED_RUN="$INFRA_RUN/dapr-scheduler"
SCHED_PID="$SCHED_RUN/scheduler.pid"
SCHED_LOG="$SCHED_RUN/scheduler.log"

# --------------------------------------------------------------- build -----
# Release tags of the fallback line (no pre-releases), newest first, without $1.
# The proxy's version list can be incomplete (seen: it listed only v1.14.0),
# so if it has nothing for the line, probe patch versions v1.18.0, .1, ...
# until the first one that does not resolve (bounded).
fallback_versions() {
  local exclude=$1 tmp list n
  tmp="$(mktemp -d)"
  list="$( (cd "$tmp" && go list -m -versions github.com/dapr/dapr 2>/dev/null) |
    tr ' ' '\n' | grep -E "^${DAPR_FALLBACK_LINE//./\\.}[0-9]+$" || true)"
  if [[ -z $list ]]; then
    for n in $(seq 0 40); do
      if (cd "$tmp" && go list -m "github.com/dapr/dapr@${DAPR_FALLBACK_LINE}$n" >/dev/null 2>&1); then
        list+="${DAPR_FALLBACK_LINE}$n"$'\n'
      elif ((n > 0)); then
        break
      fi
    done
  fi
  rm -rf "$tmp"
  printf '%s\n' "$list" | grep -v '^$' | grep -vxF "$exclude" | sort -V -r || true
}

# build_version vX.Y.Z : build both binaries into $DAPR_CACHE/vX.Y.Z/
build_version() {
  local V=$1 out="$DAPR_CACHE/$1" dir t0 t1 LD
  if [[ -x $out/daprd && -x $out/scheduler ]]; then
    log "reusing cached build $out"
    return 0
  fi
  mkdir -p "$out"
  t0=$(date +%s)
  log "downloading module github.com/dapr/dapr@$V (GOMODCACHE=$GOMODCACHE)"
  dir="$(cd "$DAPR_CACHE" && go mod download -json "github.com/dapr/dapr@$V" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || true
  if [[ -z $dir || ! -f $dir/go.mod ]]; then
    rmdir "$out" 2>/dev/null || true
    log "could not download github.com/dapr/dapr@$V (Go module proxy reachable? GOPROXY=$(go env GOPROXY); if the checksum DB is refused, retry with GONOSUMDB=github.com/dapr/dapr)"
    return 1
  fi
  LD="-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${V#v} -X github.com/dapr/kit/logger.DaprVersion=${V#v}"
  log "building daprd ($V, -tags allcomponents, nice -n 19, -p 1) in $dir; this takes a long time on a cold cache"
  if ! (cd "$dir" && run_prefixed nice -n 19 go build -p 1 -tags allcomponents -ldflags "$LD" -o "$out/daprd.tmp" ./cmd/daprd); then
    log "daprd build failed for $V (see the go errors above)"
    rm -f "$out/daprd.tmp"
    rmdir "$out" 2>/dev/null || true
    return 1
  fi
  t1=$(date +%s)
  log "daprd built in $((t1 - t0))s (incl. module download)"
  log "building scheduler ($V)"
  if ! (cd "$dir" && run_prefixed nice -n 19 go build -p 1 -ldflags "$LD" -o "$out/scheduler.tmp" ./cmd/scheduler); then
    log "scheduler build failed for $V (see the go errors above)"
    rm -f "$out/daprd.tmp" "$out/scheduler.tmp"
    rmdir "$out" 2>/dev/null || true
    return 1
  fi
  mv "$out/daprd.tmp" "$out/daprd"
  mv "$out/scheduler.tmp" "$out/scheduler"
  local total=$(($(date +%s) - t0))
  log "scheduler built in $(($(date +%s) - t1))s"
  local vout
  vout="$("$out/daprd" --version 2>/dev/null | head -n1 || true)"
  [[ $vout == "${V#v}" ]] || log "warning: daprd --version printed '$vout', expected '${V#v}'"
  {
    echo "version=$V"
    echo "built_at=$(date -u +%FT%TZ)"
    echo "build_seconds=$total"
    echo "go=$(go env GOVERSION)"
    echo "daprd_bytes=$(stat -c %s "$out/daprd")"
    echo "scheduler_bytes=$(stat -c %s "$out/scheduler")"
  } >"$out/BUILDINFO"
  log "build of $V done in ${total}s: daprd $(du -h "$out/daprd" | cut -f1) ($(stat -c %s "$out/daprd") bytes), scheduler $(du -h "$out/scheduler" | cut -f1) ($(stat -c %s "$out/scheduler") bytes)"
}

# Sets DAPRD / SCHED to usable binaries, or returns 1.
resolve_bins() {
  if [[ -n ${DAPRD_BIN:-} || -n ${DAPR_SCHEDULER_BIN:-} ]]; then
    [[ -n ${DAPRD_BIN:-} && -x ${DAPRD_BIN:-} ]] || die "DAPRD_BIN='${DAPRD_BIN:-}' is not an executable file (set both DAPRD_BIN and DAPR_SCHEDULER_BIN, or neither)"
    [[ -n ${DAPR_SCHEDULER_BIN:-} && -x ${DAPR_SCHEDULER_BIN:-} ]] || die "DAPR_SCHEDULER_BIN='${DAPR_SCHEDULER_BIN:-}' is not an executable file (set both DAPRD_BIN and DAPR_SCHEDULER_BIN, or neither)"
    DAPRD="$DAPRD_BIN" SCHED="$DAPR_SCHEDULER_BIN"
    return 0
  fi
  local v
  for v in "$DAPR_VERSION" "$(cat "$DAPR_CACHE/BUILT_VERSION" 2>/dev/null || true)"; do
    [[ -n $v ]] || continue
    if [[ -x $DAPR_CACHE/$v/daprd && -x $DAPR_CACHE/$v/scheduler ]]; then
      [[ $v == "$DAPR_VERSION" ]] || log "using fallback build $v (DAPR_VERSION=$DAPR_VERSION is not built)"
      DAPRD="$DAPR_CACHE/$v/daprd" SCHED="$DAPR_CACHE/$v/scheduler"
      return 0
    fi
  done
  return 1
}

cmd_build() {
  if resolve_bins; then
    log "binaries present, skipping build: $DAPRD, $SCHED"
  else
    check_go "$GO_MIN" "dapr $DAPR_VERSION" "pass prebuilt binaries via DAPRD_BIN and DAPR_SCHEDULER_BIN"
    setup_go_env
    mkdir -p "$DAPR_CACHE"
    exec 8>"$DAPR_CACHE/.build.lock"
    if ! flock -n 8; then
      log "another dapr build is running; waiting for it"
      flock 8
    fi
    if ! resolve_bins; then
      local t0 built="" fb tried=0
      t0=$(date +%s)
      if build_version "$DAPR_VERSION"; then
        built="$DAPR_VERSION"
      else
        log "$DAPR_VERSION failed; looking for other ${DAPR_FALLBACK_LINE}x releases (newest first)"
        for fb in $(fallback_versions "$DAPR_VERSION"); do
          ((tried++ < 3)) || break
          log "falling back to $fb"
          if build_version "$fb"; then
            built="$fb"
            break
          fi
        done
        [[ -n $built ]] || die "building dapr $DAPR_VERSION failed and no ${DAPR_FALLBACK_LINE}x fallback built (tried $tried); see the messages above. Alternatives: set DAPR_VERSION, or pass prebuilt binaries via DAPRD_BIN/DAPR_SCHEDULER_BIN"
      fi
      echo "$built" >"$DAPR_CACHE/BUILT_VERSION"
      log "dapr $built ready; total wall time incl. failed attempts: $(elapsed_since "$t0")s"
      resolve_bins || die "internal error: build finished but binaries not found under $DAPR_CACHE"
    fi
  fi
  echo "DAPRD_BIN=$DAPRD"
  echo "DAPR_SCHEDULER_BIN=$SCHED"
}

cmd_paths() {
  resolve_bins || die "daprd/scheduler not built yet under $DAPR_CACHE/$DAPR_VERSION; run: scripts/infra/dapr.sh build (slow the first time), or set DAPRD_BIN and DAPR_SCHEDULER_BIN"
  echo "DAPRD_BIN=$DAPRD"
  echo "DAPR_SCHEDULER_BIN=$SCHED"
}

# ----------------------------------------------------------- scheduler -----
sched_healthy() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$SCHED_HEALTHZ_PORT/healthz" 2>/dev/null
}

cmd_start_scheduler() {
  infra_lock dapr-scheduler
  local pid
  if pid=$(pid_alive "$SCHED_PID" scheduler) && sched_healthy; then
    log "scheduler already running (pid $pid), reusing"
  elif tcp_open 127.0.0.1 "$SCHED_PORT"; then
    sched_healthy || die "port 127.0.0.1:$SCHED_PORT is taken ($(port_owner "$SCHED_PORT")) but no healthy dapr scheduler answers on healthz port $SCHED_HEALTHZ_PORT; free the port or set DAPR_SCHEDULER_PORT/DAPR_SCHEDULER_HEALTHZ_PORT"
    log "a scheduler already answers on 127.0.0.1:$SCHED_PORT, reusing it"
  else
    have curl || die "curl is required for the scheduler health check; run: apt-get install -y curl"
    if ! resolve_bins; then
      log "binaries not built yet; building now"
      cmd_build >/dev/null
      resolve_bins
    fi
    local p
    for p in "$SCHED_HEALTHZ_PORT" "$SCHED_ETCD_CLIENT_PORT" "$SCHED_ETCD_PEER_PORT"; do
      ! tcp_open 127.0.0.1 "$p" || die "port 127.0.0.1:$p needed by the scheduler is in use ($(port_owner "$p")); set DAPR_SCHEDULER_*_PORT"
    done
    # A stale pid file whose process died: forget it.
    rm -f "$SCHED_PID"
    rm -rf "$SCHED_RUN"
    mkdir -p "$SCHED_RUN/etcd"
    log "starting scheduler $SCHED on 127.0.0.1:$SCHED_PORT (healthz $SCHED_HEALTHZ_PORT, etcd $SCHED_ETCD_CLIENT_PORT/$SCHED_ETCD_PEER_PORT, data $SCHED_RUN/etcd)"
    (cd "$SCHED_RUN" && spawn_daemon "$SCHED_PID" "$SCHED_LOG" "$SCHED" \
      --listen-address 127.0.0.1 --port "$SCHED_PORT" \
      --healthz-listen-address 127.0.0.1 --healthz-port "$SCHED_HEALTHZ_PORT" \
      --enable-metrics=false \
      --id "$SCHED_ID" \
      --etcd-initial-cluster "$SCHED_ID=http://127.0.0.1:$SCHED_ETCD_PEER_PORT" \
      --etcd-client-port "$SCHED_ETCD_CLIENT_PORT" \
      --etcd-client-listen-address 127.0.0.1 \
      --etcd-data-dir "$SCHED_RUN/etcd" \
      --log-level "${DAPR_SCHEDULER_LOG_LEVEL:-info}")
    if ! wait_until 60 "scheduler" sched_healthy; then
      show_log_tail "$SCHED_LOG"
      pid_alive "$SCHED_PID" >/dev/null || die "scheduler exited during startup; log: $SCHED_LOG"
      die "scheduler not healthy on http://127.0.0.1:$SCHED_HEALTHZ_PORT/healthz after 60s; log: $SCHED_LOG"
    fi
    tcp_open 127.0.0.1 "$SCHED_PORT" || wait_until 20 "scheduler gRPC port" tcp_open 127.0.0.1 "$SCHED_PORT" ||
      die "scheduler healthy but gRPC port $SCHED_PORT not open; log: $SCHED_LOG"
  fi
  echo "DAPR_SCHEDULER_ADDR=127.0.0.1:$SCHED_PORT"
}

cmd_stop_scheduler() {
  infra_lock dapr-scheduler
  stop_pidfile "$SCHED_PID" "dapr scheduler" scheduler
}

case "${1:-}" in
  build) cmd_build ;;
  paths) cmd_paths ;;
  start-scheduler) cmd_start_scheduler ;;
  stop-scheduler) cmd_stop_scheduler ;;
  *)
    echo "usage: $0 build|paths|start-scheduler|stop-scheduler" >&2
    exit 2
    ;;
esac
