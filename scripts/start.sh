#!/usr/bin/env bash
# `npm start`: installs what is missing, then runs the portal on embedded
# defaults: frontend on http://localhost:3000, backend on http://localhost:7007.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/bootstrap.sh"
# shellcheck source=env.sh
source "$ROOT/scripts/env.sh"
cd "$ROOT"
# Local state (SQLite files) survives restarts here; delete the folder to reset.
mkdir -p .local-data
exec yarn backstage-cli repo start "$@"
