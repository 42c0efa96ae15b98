#!/usr/bin/env bash
# Local-mode PostgreSQL for the OneGate AppHost: initialise the data directory on first start, then
# exec the server so it keeps this PID and receives the AppHost's SIGTERM directly.
# Env (set by the AppHost): PGDATA_DIR, PGPORT, POSTGRES_DB, POSTGRES_PASSWORD; optional PG_BIN, and PG_PRELOAD
# (shared_preload_libraries, e.g. pg_stat_statements for the benchmark report's statements per transfer).
set -euo pipefail

bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [[ ! -x "$bin/postgres" ]]; then
  echo "PostgreSQL server binaries not found (install the 'postgresql' package or set PG_BIN)" >&2
  exit 1
fi

# Postgres refuses to run as root; as root we run it as the 'postgres' user (setpriv keeps the PID).
as_postgres=()
if [[ "$(id -u)" == 0 ]]; then
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
  mkdir -p "$PGDATA_DIR"
  chown postgres:postgres "$PGDATA_DIR"
fi
mkdir -p "$PGDATA_DIR"
chmod 700 "$PGDATA_DIR"

single_user_sql() {
  # Single-user mode runs one statement per line from stdin without opening a port; the password
  # travels on stdin, never on a command line.
  "${as_postgres[@]}" "$bin/postgres" --single -D "$PGDATA_DIR" -c exit_on_error=true postgres >/dev/null
}

escaped_password="${POSTGRES_PASSWORD//\'/\'\'}"
if [[ ! -s "$PGDATA_DIR/PG_VERSION" ]]; then
  echo "initdb: new cluster in $PGDATA_DIR"
  pwfile="$(mktemp)"
  trap 'rm -f "$pwfile"' EXIT
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  [[ "$(id -u)" == 0 ]] && chown postgres "$pwfile"
  "${as_postgres[@]}" "$bin/initdb" -D "$PGDATA_DIR" -U postgres --pwfile="$pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --no-locale >/dev/null
  rm -f "$pwfile"
  printf 'CREATE DATABASE "%s";\n' "$POSTGRES_DB" | single_user_sql
else
  # The AppHost's password parameter is the source of truth; keep the stored one in step with it.
  printf "ALTER USER postgres PASSWORD '%s';\n" "$escaped_password" | single_user_sql
fi

echo "starting postgres on 127.0.0.1:$PGPORT (data: $PGDATA_DIR)"
exec "${as_postgres[@]}" "$bin/postgres" -D "$PGDATA_DIR" -p "$PGPORT" \
  -c listen_addresses=127.0.0.1 -c unix_socket_directories= \
  -c max_connections=300 -c shared_buffers=256MB \
  -c log_min_messages=warning -c log_line_prefix='%m [%p] ' \
  ${PG_PRELOAD:+-c "shared_preload_libraries=$PG_PRELOAD"}
