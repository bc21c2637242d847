# Source me, then: postgres_start <dir> / postgres_stop.
# A private PostgreSQL server for tests: its own data directory, socket and
# port, trust auth on loopback only, run as a non-root user (PostgreSQL refuses
# root). Touches no system cluster. Sets POSTGRES_URL and POSTGRES_MAJOR.

postgres_bindir() {
  local version
  version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)"
  if [ -z "$version" ]; then
    echo "PostgreSQL is not installed (/usr/lib/postgresql is empty); install the postgresql package" >&2
    return 1
  fi
  echo "/usr/lib/postgresql/$version/bin"
}

postgres_free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

_postgres_as_owner() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_start() {
  local dir="$1" bindir port
  bindir="$(postgres_bindir)" || return 1
  port="$(postgres_free_port)"
  mkdir -p "$dir"
  if [ "$(id -u)" = "0" ]; then
    if ! id postgres >/dev/null 2>&1; then
      echo "running as root but there is no 'postgres' user to run PostgreSQL as" >&2
      return 1
    fi
    chown postgres "$dir"
  fi
  _postgres_as_owner "$bindir/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    return 1
  }
  _postgres_as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null || {
    cat "$dir/server.log" >&2
    return 1
  }
  POSTGRES_DIR="$dir"
  POSTGRES_BINDIR="$bindir"
  POSTGRES_URL="postgresql://postgres@127.0.0.1:$port"
  POSTGRES_MAJOR="$(basename "$(dirname "$bindir")")"
  export POSTGRES_URL POSTGRES_MAJOR
  echo "[postgres] $("$bindir/postgres" --version) on 127.0.0.1:$port (data in $dir)"
}

postgres_stop() {
  if [ -n "${POSTGRES_DIR:-}" ] && [ -d "$POSTGRES_DIR/data" ]; then
    _postgres_as_owner "$POSTGRES_BINDIR/pg_ctl" -D "$POSTGRES_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$POSTGRES_DIR"
    POSTGRES_DIR=""
  fi
}
