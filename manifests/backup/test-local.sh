#!/usr/bin/env bash
# Exercises backup.sh and restore.sh end to end on this machine, against a throw-away PostgreSQL started
# the way the AppHost's Local mode starts it (the machine's /usr/lib/postgresql/*/bin, as `postgres`
# when run as root): writes data, takes three encrypted backups (retention keep=2), checks the files
# hold no plaintext, refuses a wrong key and a tampered file, restores into a fresh database and
# compares the data. Exit 0 = all good. Run by OneGate.Tests/Deployment/BackupRestoreTests.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

bin="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
[[ -x "$bin/postgres" ]] || { echo "PostgreSQL server binaries not found (set PG_BIN)" >&2; exit 1; }
export PATH="$bin:$PATH"

work="$(mktemp -d /var/tmp/onegate-backup-test.XXXXXX)"
chmod 755 "$work"
as_postgres=()
if [[ "$(id -u)" == 0 ]]; then
  as_postgres=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
pgdata="$work/pgdata"
mkdir -p "$pgdata" "$work/backups" "$work/run"
[[ "$(id -u)" == 0 ]] && chown postgres:postgres "$pgdata" "$work/run"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export PGPASSWORD="backup-test-$RANDOM$RANDOM"
printf '%s\n' "$PGPASSWORD" > "$work/pw"
[[ "$(id -u)" == 0 ]] && chown postgres "$work/pw"
"${as_postgres[@]}" initdb -D "$pgdata" -U postgres --pwfile="$work/pw" --auth=scram-sha-256 --encoding=UTF8 --no-locale >/dev/null
rm -f "$work/pw"
export PGHOST=127.0.0.1 PGUSER=postgres
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PGPORT
"${as_postgres[@]}" postgres -D "$pgdata" -p "$PGPORT" -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories="$work/run" -c log_min_messages=warning >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do pg_isready -q -d postgres && break; sleep 0.1; done
pg_isready -q -d postgres || { cat "$work/server.log" >&2; exit 1; }

psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE onegate'
# A marker that must never appear in a backup file (it would if encryption were skipped).
marker="PLAINTEXT-MARKER-$RANDOM$RANDOM"
psql -q -v ON_ERROR_STOP=1 -d onegate <<SQL
CREATE TYPE transaction_status AS ENUM ('PENDING', 'SUCCESS', 'FAILED');
CREATE TABLE accounts (id uuid PRIMARY KEY, user_id integer NOT NULL, balance numeric(15,2) NOT NULL CHECK (balance >= 0));
CREATE TABLE historical_transactions (
  id bigserial PRIMARY KEY, account_id uuid NOT NULL REFERENCES accounts(id), amount numeric(15,2) NOT NULL,
  status transaction_status NOT NULL, description text, created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX ix_history ON historical_transactions (account_id, created_at DESC, id DESC);
INSERT INTO accounts SELECT md5(i::text)::uuid, i, (i * 1000.25)::numeric(15,2) FROM generate_series(1, 500) i;
INSERT INTO historical_transactions (account_id, amount, status, description)
  SELECT md5((i % 500 + 1)::text)::uuid, (i % 997 + 0.5)::numeric(15,2),
         (ARRAY['PENDING','SUCCESS','FAILED']::transaction_status[])[i % 3 + 1], 'row ' || i || ' $marker'
  FROM generate_series(1, 20000) i;
SQL
fingerprint() {
  psql -At -d "$1" -c "SELECT md5(string_agg(a::text, ',' ORDER BY a.id)) FROM accounts a" \
               -c "SELECT md5(string_agg(h::text, ',' ORDER BY h.id)) FROM historical_transactions h" \
               -c "SELECT last_value FROM historical_transactions_id_seq"
}
before="$(fingerprint onegate)"

# The backups are taken as the deployment takes them: by a login that may only read (postgres-roles.sql).
backup_password="backup-role-$RANDOM$RANDOM"
psql -q -v ON_ERROR_STOP=1 -d onegate -c "CREATE ROLE onegate_backup LOGIN PASSWORD '$backup_password'" \
  -c "GRANT pg_read_all_data TO onegate_backup"
export PGDATABASE=onegate BACKUP_DIR="$work/backups" BACKUP_KEY_FILE="$work/key" BACKUP_KEEP=2
openssl rand -base64 48 > "$BACKUP_KEY_FILE"
for _ in 1 2 3; do PGUSER=onegate_backup PGPASSWORD="$backup_password" "$here/backup.sh"; sleep 1.1; done
if PGUSER=onegate_backup PGPASSWORD="$backup_password" psql -q -d onegate -c "UPDATE accounts SET balance = 0" 2>/dev/null; then
  echo "FAIL: the backup role can write" >&2; exit 1
fi

mapfile -t kept < <(ls -1 "$BACKUP_DIR"/onegate-*.dump.enc | sort)
[[ ${#kept[@]} == 2 ]] || { echo "FAIL: retention kept ${#kept[@]} backups, expected 2" >&2; exit 1; }
latest="${kept[1]}"
if grep -a -q "$marker" "$latest"; then echo "FAIL: the backup contains plaintext" >&2; exit 1; fi
# A plaintext custom-format dump starts with PGDMP; the encrypted file with openssl's "Salted__".
[[ "$(head -c 8 "$latest")" == "Salted__" ]] || { echo "FAIL: not an openssl-encrypted file" >&2; exit 1; }

# Writes after the backup must disappear when it is restored over the database.
psql -q -d onegate -c "DELETE FROM historical_transactions WHERE id % 2 = 0" -c "UPDATE accounts SET balance = 0"

psql -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE onegate_restored'
# A wrong key is refused and leaves the target unchanged.
openssl rand -base64 48 > "$work/wrong-key"
if BACKUP_KEY_FILE="$work/wrong-key" PGDATABASE=onegate_restored "$here/restore.sh" "$latest" 2>/dev/null; then
  echo "FAIL: restore accepted a wrong key" >&2; exit 1
fi
[[ "$(psql -At -d onegate_restored -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" == 0 ]] \
  || { echo "FAIL: a refused restore left tables behind" >&2; exit 1; }
# A tampered file is refused before decryption.
cp "$latest" "$work/tampered.dump.enc"; sed 's#\(onegate-[^ ]*\)#tampered.dump.enc#' "$latest.sha256" > "$work/tampered.dump.enc.sha256"
printf 'x' | dd of="$work/tampered.dump.enc" bs=1 seek=100 conv=notrunc status=none
if PGDATABASE=onegate_restored "$here/restore.sh" "$work/tampered.dump.enc" 2>/dev/null; then
  echo "FAIL: restore accepted a tampered file" >&2; exit 1
fi

PGDATABASE=onegate_restored "$here/restore.sh" "$latest"
[[ "$(fingerprint onegate_restored)" == "$before" ]] || { echo "FAIL: restored data differs (fresh database)" >&2; exit 1; }
PGDATABASE=onegate "$here/restore.sh" "$latest"
[[ "$(fingerprint onegate)" == "$before" ]] || { echo "FAIL: restored data differs (over the live database)" >&2; exit 1; }
echo "backup/restore: OK (3 backups, 2 kept, $(stat -c %s "$latest") bytes encrypted, wrong key and tampering refused, data identical)"
