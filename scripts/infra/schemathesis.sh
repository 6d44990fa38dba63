#!/usr/bin/env bash
# Schemathesis (the OpenAPI fuzzer of e2e/schemathesis.test.ts), pinned, in a virtualenv in the
# project's own cache folder (.cache/schemathesis-venv, gitignored).
#   schemathesis.sh   create the virtualenv and install Schemathesis if missing;
#                     stdout: SCHEMATHESIS_BIN=…
# Needs python3 with the venv module (Debian: python3-venv, installed via apt if missing).
set -euo pipefail
INFRA_NAME=schemathesis
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SCHEMATHESIS_VERSION="4.32.5"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.cache/schemathesis-venv"
BIN="$VENV/bin/schemathesis"

infra_lock schemathesis
if [[ -x $BIN ]] && [[ "$("$BIN" --version 2>/dev/null)" == *" $SCHEMATHESIS_VERSION" ]]; then
  log "reusing $BIN ($SCHEMATHESIS_VERSION)"
else
  have python3 || apt_install python3
  python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
  log "installing Schemathesis $SCHEMATHESIS_VERSION into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  run_prefixed "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  [[ -x $BIN ]] || die "pip installed Schemathesis but $BIN is missing"
fi
echo "SCHEMATHESIS_BIN=$BIN"
