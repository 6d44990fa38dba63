#!/usr/bin/env bash
# Headless Chromium for the browser tests (Playwright `executablePath`).
#   chromium.sh   install Debian's `chromium` (+ fonts-liberation) via apt if
#                 /usr/bin/chromium is missing, smoke-test it headless;
#                 stdout: CHROMIUM_BIN=/usr/bin/chromium
# CHROMIUM_BIN=<path> reuses another executable (still smoke-tested).
set -euo pipefail
INFRA_NAME=chromium
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  "" | start | install) ;;
  *)
    echo "usage: $0 [start]" >&2
    exit 2
    ;;
esac

infra_lock chromium
BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"
if [[ -x $BIN ]]; then
  log "reusing $BIN"
elif [[ -n ${CHROMIUM_BIN:-} ]]; then
  die "CHROMIUM_BIN=$CHROMIUM_BIN is not an executable file; unset it to use Debian's /usr/bin/chromium (apt-get install chromium)"
else
  log "$BIN not found; installing Debian's chromium via apt (large: ~300 MB installed)"
  apt_install chromium fonts-liberation
  [[ -x $BIN ]] || die "chromium installed but $BIN is missing"
fi

# Smoke test: render a data: URL headless. --no-sandbox is needed as root
# (tests launching as root must pass it too).
ud="$(mktemp -d)"
trap 'rm -rf "$ud"' EXIT
out="$(timeout 60 "$BIN" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --no-first-run --user-data-dir="$ud" \
  --dump-dom 'data:text/html,<title>t</title><p id=x>infra-ok</p>' 2>/dev/null || true)"
[[ $out == *infra-ok* ]] || die "$BIN failed a headless smoke test (--headless --dump-dom); run it by hand to see why (missing shared libraries? try: apt-get install -y chromium)"
log "$("$BIN" --version 2>/dev/null | head -n1) works headless"
echo "CHROMIUM_BIN=$BIN"
