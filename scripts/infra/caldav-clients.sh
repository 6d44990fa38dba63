#!/usr/bin/env bash
# CalDAV clients nobody on this project wrote, for e2e/caldav-clients.test.ts: the Python
# `caldav` library (and vdirsyncer + todoman), pinned, in a virtualenv in the project's own
# cache folder (.cache/caldav-venv, gitignored).
#   caldav-clients.sh   create the virtualenv and install the clients if missing;
#                       stdout: CALDAV_PYTHON=… (a python with `caldav` importable; `vdirsyncer`
#                       and `todo` (todoman) are in the same bin folder)
# Fails loudly (non-zero, with pip's output) when a client cannot be installed: the suite
# that needs them never skips.
set -euo pipefail
INFRA_NAME=caldav-clients
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CALDAV_VERSION="3.6.0"
VDIRSYNCER_VERSION="0.21.0"
TODOMAN_VERSION="4.7.0"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.cache/caldav-venv"
PY="$VENV/bin/python"
STAMP="$VENV/.installed-caldav-$CALDAV_VERSION-vdirsyncer-$VDIRSYNCER_VERSION-todoman-$TODOMAN_VERSION"

infra_lock caldav-clients
if [[ -x $PY && -f $STAMP ]]; then
  log "reusing $VENV (caldav $CALDAV_VERSION, vdirsyncer $VDIRSYNCER_VERSION, todoman $TODOMAN_VERSION)"
else
  have python3 || apt_install python3
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  log "installing caldav $CALDAV_VERSION, vdirsyncer $VDIRSYNCER_VERSION and todoman $TODOMAN_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  run_prefixed "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "caldav==$CALDAV_VERSION" "vdirsyncer==$VDIRSYNCER_VERSION" "todoman==$TODOMAN_VERSION"
  "$PY" -c 'import caldav' || die "pip installed caldav but it does not import"
  [[ -x $VENV/bin/vdirsyncer && -x $VENV/bin/todo ]] || die "pip installed vdirsyncer and todoman but their commands are missing"
  touch "$STAMP"
fi
echo "CALDAV_PYTHON=$PY"
