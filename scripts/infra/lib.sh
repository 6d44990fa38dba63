# shellcheck shell=bash
# Shared helpers for scripts/infra/*.sh. Source it after setting INFRA_NAME.
# Not executable on its own.

: "${INFRA_NAME:?set INFRA_NAME before sourcing lib.sh}"

# shellcheck disable=SC2034 # used by the scripts that source this file
INFRA_CACHE="${TODO_INFRA_CACHE:-$HOME/.cache/todo-app}"
INFRA_RUN="${TODO_INFRA_RUN:-/tmp/todo-infra}"

log() { printf '[infra:%s] %s\n' "$INFRA_NAME" "$*" >&2; }
die() {
  printf '[infra:%s] ERROR: %s\n' "$INFRA_NAME" "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }

# Print elapsed seconds since $1 (an epoch seconds value).
elapsed_since() { echo $(($(date +%s) - $1)); }

# run_prefixed cmd... : run cmd with its stdout+stderr indented and prefixed
# on stderr (ANSI codes and blank lines dropped); returns cmd's exit status.
run_prefixed() {
  local rc=0
  # strip ANSI colour codes (mvn prints some even with -B -q) and empty lines
  "$@" 2>&1 | sed -u -e 's/\x1b\[[0-9;]*[mK]//g' -e '/^[[:space:]]*$/d' -e "s/^/[infra:$INFRA_NAME]   /" >&2 || rc=${PIPESTATUS[0]}
  return "$rc"
}

# Serialize concurrent invocations (e.g. parallel test workers) of one script.
# Usage: infra_lock <name>   (lock is released when the script exits)
infra_lock() {
  local f="$INFRA_RUN/.$1.lock"
  mkdir -p "$INFRA_RUN"
  chmod 755 "$INFRA_RUN" 2>/dev/null || true
  if have flock; then
    exec 9>"$f"
    if ! flock -n 9; then
      log "waiting for another '$1' invocation to finish (lock $f)"
      flock 9
    fi
  fi
}

# ---------------------------------------------------------------- apt ------
_APT_UPDATED=0

_apt_has_candidate() {
  local c
  c="$(apt-cache policy "$1" 2>/dev/null | sed -n 's/^ *Candidate: *//p' | head -n1)"
  [[ -n "$c" && "$c" != "(none)" ]]
}

_apt_update_once() {
  [[ $_APT_UPDATED == 1 ]] && return 0
  log "apt-get update"
  DEBIAN_FRONTEND=noninteractive run_prefixed apt-get update -q || die "apt-get update failed (check network access to the Debian package mirror)"
  _APT_UPDATED=1
}

# apt_install pkg... : installs Debian packages non-interactively.
# Runs `apt-get update` at most once per script run, and only when a package
# has no install candidate (empty/stale lists) or the first install attempt fails.
apt_install() {
  have apt-get || die "need to install '$*' but apt-get is not available; install it with your OS package manager"
  [[ $(id -u) == 0 ]] || die "need to install Debian package(s) '$*' but not running as root; run: sudo apt-get install -y $*"
  local p
  for p in "$@"; do
    if ! _apt_has_candidate "$p"; then
      _apt_update_once
      _apt_has_candidate "$p" || die "Debian package '$p' not found in the configured apt sources (/etc/apt/sources.list*)"
    fi
  done
  local t0
  t0=$(date +%s)
  log "apt-get install -y --no-install-recommends $*"
  if ! DEBIAN_FRONTEND=noninteractive run_prefixed apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@"; then
    if [[ $_APT_UPDATED == 0 ]]; then
      log "install failed; refreshing package lists and retrying once"
      _apt_update_once
      DEBIAN_FRONTEND=noninteractive run_prefixed apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@" ||
        die "apt-get install $* failed"
    else
      die "apt-get install $* failed"
    fi
  fi
  log "installed $* in $(elapsed_since "$t0")s"
}

# ---------------------------------------------------------- networking -----
# tcp_open host port : true if something accepts TCP connections there.
tcp_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# port_owner port : prints the listener process (best effort, for messages).
port_owner() {
  if have ss; then
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\(.*\)))/\1/p' | head -n1
  fi
}

# wait_until <timeout-seconds> <description> <command...>
wait_until() {
  local to=$1 what=$2
  shift 2
  local t0
  t0=$(date +%s)
  until "$@"; do
    if (($(date +%s) - t0 >= to)); then
      return 1
    fi
    sleep 0.5
  done
  log "$what ready after $(elapsed_since "$t0")s"
}

# ----------------------------------------------------------- processes -----
# pid_alive pidfile [cmdline-substring] : prints pid and succeeds if the
# process in pidfile runs (and its cmdline contains the substring, to avoid
# trusting a recycled pid).
pid_alive() {
  local f=$1 match=${2:-} pid
  [[ -s $f ]] || return 1
  pid=$(head -n1 "$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n $match ]]; then
    local cmd
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ $cmd == *"$match"* ]] || return 1
  fi
  echo "$pid"
}

# spawn_daemon pidfile logfile cmd... : start cmd detached (own session,
# stdin /dev/null), record its pid.
spawn_daemon() {
  local pidf=$1 logf=$2
  shift 2
  # The inner shell writes its own pid, then execs: the pid is the daemon's.
  # shellcheck disable=SC2016 # $$ / $@ are for the inner shell
  # fds 8/9 (lock files) are closed so the daemon does not hold our locks.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" </dev/null >>"$logf" 2>&1 8>&- 9>&- &
  for _ in $(seq 1 50); do
    [[ -s $pidf ]] && return 0
    sleep 0.1
  done
  die "failed to spawn $1 (no pid file $pidf)"
}

# stop_pidfile pidfile name [cmdline-substring] [signal] : TERM (or given
# signal), wait up to 30 s, then KILL.
stop_pidfile() {
  local f=$1 name=$2 match=${3:-} sig=${4:-TERM} pid
  if ! pid=$(pid_alive "$f" "$match"); then
    log "$name: not running (no live pid in $f)"
    rm -f "$f"
    return 0
  fi
  log "stopping $name (pid $pid, SIG$sig)"
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not exit in 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$f"
  log "$name stopped"
}

# show_log_tail file : print last lines of a log to stderr (for failures).
show_log_tail() {
  [[ -f $1 ]] || return 0
  log "---- last lines of $1 ----"
  tail -n "${2:-30}" "$1" | sed "s/^/[infra:$INFRA_NAME]   /" >&2
}

# Go for the builds from Go modules (dapr.sh, helm.sh): check_go MIN WHAT PREBUILT_HINT
# fails unless a go command at least MIN (or one allowed to fetch a newer toolchain) is here.
check_go() {
  local min=$1 what=$2 prebuilt=$3 v
  have go || die "Go toolchain not found. Install Go >= $min (official linux-amd64 tarball unpacked to /usr/local/go, with /usr/local/go/bin on PATH), or $prebuilt"
  v="$(go env GOVERSION 2>/dev/null)"
  v="${v#go}"
  if [[ "$(printf '%s\n%s\n' "$min" "$v" | sort -V | head -n1)" != "$min" ]]; then
    if [[ "$(go env GOTOOLCHAIN)" == local* ]]; then
      die "Go $v is older than $min required by $what and GOTOOLCHAIN=local; install Go >= $min or unset GOTOOLCHAIN"
    fi
    log "Go $v < $min: the go command will fetch a newer toolchain module (GOTOOLCHAIN=$(go env GOTOOLCHAIN))"
  fi
}

# Go env for the builds: module/build caches shared under the infra cache unless the caller
# set them; -modcacherw so the cache can be rm -rf'ed.
setup_go_env() {
  export CGO_ENABLED=0
  export GOMODCACHE="${GOMODCACHE:-$INFRA_CACHE/go/mod}"
  export GOCACHE="${GOCACHE:-$INFRA_CACHE/go/build}"
  local gf
  gf="$(go env GOFLAGS 2>/dev/null || true)"
  [[ " $gf " == *" -modcacherw "* ]] || gf="${gf:+$gf }-modcacherw"
  export GOFLAGS="$gf"
  mkdir -p "$GOMODCACHE" "$GOCACHE"
}
