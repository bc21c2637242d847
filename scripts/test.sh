#!/usr/bin/env bash
# `npm test`: installs what is missing, then runs everything once:
#   checks    type check (tsc), lint, formatting (prettier)
#   unit and integration tests of every package (Jest), the store tests on
#             SQLite and on a private PostgreSQL server started here
#   browser   the built portal in Debian's Chromium (Playwright)
# and ends with one line: "N passed, N failed, N skipped (...)".
# Exits non-zero when anything failed. Reports land in test-output/.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

STARTED=$SECONDS
bash scripts/bootstrap.sh || {
  echo "0 passed, 1 failed, 0 skipped (bootstrap failed)"
  exit 1
}
# shellcheck source=env.sh
source scripts/env.sh
# shellcheck source=postgres.sh
source scripts/postgres.sh

OUT="$ROOT/test-output"
rm -rf "$OUT"
mkdir -p "$OUT"
CHECKS="$OUT/checks.tsv"
: > "$CHECKS"
WORK="$(mktemp -d)"
chmod 755 "$WORK"
cleanup() {
  postgres_stop
  rm -rf "$WORK"
}
trap cleanup EXIT

section() { printf '\n=== %s (at %ss)\n' "$*" "$((SECONDS - STARTED))"; }
check() {
  local name="$1"
  shift
  section "$name"
  if "$@"; then
    printf '%s\tpassed\n' "$name" >> "$CHECKS"
  else
    printf '%s\tfailed\n' "$name" >> "$CHECKS"
  fi
}

check "type check (tsc)" yarn tsc
check "lint" yarn backstage-cli repo lint
check "formatting (prettier)" yarn prettier --check --loglevel warn .

section "unit and integration tests (Jest; SQLite and PostgreSQL)"
if postgres_start "$WORK/postgres"; then
  # Backstage's TestDatabases reads one variable per major version.
  export "BACKSTAGE_TEST_DATABASE_POSTGRES${POSTGRES_MAJOR}_CONNECTION_STRING=$POSTGRES_URL"
  export DRIFTLESS_TEST_POSTGRES_ID="POSTGRES_${POSTGRES_MAJOR}"
else
  printf '%s\tfailed\n' "start PostgreSQL" >> "$CHECKS"
fi
# The store tests fail (rather than skip) if PostgreSQL did not come up.
export DRIFTLESS_REQUIRE_POSTGRES=1
export BACKSTAGE_TEST_DISABLE_DOCKER=1
CI=true yarn backstage-cli repo test --json --outputFile="$OUT/jest.json"
postgres_stop

section "browser tests (Playwright, Debian Chromium)"
if DRIFTLESS_CHROMIUM="$(bash scripts/ensure-chromium.sh)"; then
  export DRIFTLESS_CHROMIUM
  if yarn workspace app build > "$OUT/app-build.log" 2>&1; then
    PLAYWRIGHT_JSON_OUTPUT_NAME="$OUT/playwright.json" yarn playwright test --reporter=list,json
  else
    tail -n 40 "$OUT/app-build.log"
    printf '%s\tfailed\n' "build the frontend for the browser tests" >> "$CHECKS"
  fi
else
  printf '%s\tfailed\n' "install Chromium" >> "$CHECKS"
fi

section "summary"
node scripts/summarize-tests.js "$OUT"
