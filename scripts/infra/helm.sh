#!/usr/bin/env bash
# Build the `helm` CLI from its Go module (helm.sh/helm/v3, cmd/helm) at a pinned v3
# release, for the chart tests (e2e/deploy/helm.test.ts).
#   helm.sh [build]   build (or reuse) helm; stdout: HELM_BIN=…
#   helm.sh paths     print HELM_BIN=… (no build; fails if missing)
# HELM_BIN=/path/to/helm skips the build and is only checked.
set -euo pipefail
INFRA_NAME=helm
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
[[ $HELM_VERSION == v* ]] || HELM_VERSION="v$HELM_VERSION"
[[ $HELM_VERSION == v3.* ]] || die "HELM_VERSION=$HELM_VERSION: only Helm v3 releases are supported (module helm.sh/helm/v3)"
HELM_MODULE="helm.sh/helm/v3"
GO_MIN="1.26.0" # `go` directive of helm v3.22.0 go.mod

HELM_CACHE="$INFRA_CACHE/helm"
HELM_OUT="$HELM_CACHE/$HELM_VERSION"

# Sets HELM to a usable binary, or returns 1.
resolve_bin() {
  if [[ -n ${HELM_BIN:-} ]]; then
    [[ -x $HELM_BIN ]] || die "HELM_BIN='$HELM_BIN' is not an executable file (unset it to build helm $HELM_VERSION)"
    HELM="$HELM_BIN"
    return 0
  fi
  if [[ -x $HELM_OUT/helm ]]; then
    HELM="$HELM_OUT/helm"
    return 0
  fi
  return 1
}

build() {
  local dir t0 kver kmaj kmin LD
  mkdir -p "$HELM_OUT"
  t0=$(date +%s)
  log "downloading module $HELM_MODULE@$HELM_VERSION (GOMODCACHE=$GOMODCACHE)"
  dir="$(cd "$HELM_CACHE" && go mod download -json "$HELM_MODULE@$HELM_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')" || true
  [[ -n $dir && -f $dir/go.mod ]] ||
    die "could not download $HELM_MODULE@$HELM_VERSION (Go module proxy reachable? GOPROXY=$(go env GOPROXY)); or pass a prebuilt binary via HELM_BIN"
  # Same ldflags as helm's Makefile: version, and the default Kubernetes version that
  # `helm template`/`helm lint` assume (client-go minor + 1.x, e.g. v0.34 -> 1.34).
  kver="$(sed -n 's/^[[:space:]]*k8s\.io\/client-go v0\.\([0-9]*\)\.[0-9]*.*/\1/p' "$dir/go.mod" | head -n1)"
  kmaj=1 kmin="${kver:-0}"
  LD="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
  if [[ -n $kver ]]; then
    LD+=" -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$kmaj -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$kmin"
    LD+=" -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$kmaj -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$kmin"
  fi
  log "building helm ($HELM_VERSION, nice -n 19, -p 1) in $dir; a few minutes on a cold cache"
  if ! (cd "$dir" && run_prefixed nice -n 19 go build -p 1 -trimpath -ldflags "$LD" -o "$HELM_OUT/helm.tmp" ./cmd/helm); then
    rm -f "$HELM_OUT/helm.tmp"
    rmdir "$HELM_OUT" 2>/dev/null || true
    die "helm build failed for $HELM_VERSION (see the go errors above); or pass a prebuilt binary via HELM_BIN"
  fi
  mv "$HELM_OUT/helm.tmp" "$HELM_OUT/helm"
  local total
  total=$(elapsed_since "$t0")
  local vout
  vout="$("$HELM_OUT/helm" version --short 2>/dev/null | head -n1 || true)"
  [[ $vout == "$HELM_VERSION"* ]] || log "warning: helm version --short printed '$vout', expected '$HELM_VERSION'"
  {
    echo "version=$HELM_VERSION"
    echo "built_at=$(date -u +%FT%TZ)"
    echo "build_seconds=$total"
    echo "go=$(go env GOVERSION)"
    echo "kube_version_default=$kmaj.$kmin"
    echo "helm_bytes=$(stat -c %s "$HELM_OUT/helm")"
  } >"$HELM_OUT/BUILDINFO"
  log "helm $HELM_VERSION built in ${total}s: $(du -h "$HELM_OUT/helm" | cut -f1) ($(stat -c %s "$HELM_OUT/helm") bytes)"
}

cmd_build() {
  if resolve_bin; then
    log "helm present, skipping build: $HELM"
  else
    check_go "$GO_MIN" "helm $HELM_VERSION" "pass a prebuilt binary via HELM_BIN"
    setup_go_env
    mkdir -p "$HELM_CACHE"
    exec 8>"$HELM_CACHE/.build.lock"
    if ! flock -n 8; then
      log "another helm build is running; waiting for it"
      flock 8
    fi
    resolve_bin || build
    resolve_bin || die "internal error: build finished but $HELM_OUT/helm not found"
  fi
  echo "HELM_BIN=$HELM"
}

cmd_paths() {
  resolve_bin || die "helm not built yet under $HELM_OUT; run: scripts/infra/helm.sh build, or set HELM_BIN"
  echo "HELM_BIN=$HELM"
}

case "${1:-build}" in
  build) cmd_build ;;
  paths) cmd_paths ;;
  *)
    echo "usage: $0 [build|paths]" >&2
    exit 2
    ;;
esac
