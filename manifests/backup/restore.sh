#!/usr/bin/env bash
# Restores one backup written by backup.sh into the database named by PGDATABASE (or --dbname's value).
#   restore.sh <backup.dump.enc>     with PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE, BACKUP_KEY_FILE set
# Verifies the checksum, decrypts in a pipe, and restores in ONE transaction (--single-transaction):
# either the whole backup is restored or nothing changes. Existing objects are dropped first (--clean),
# so restore into an empty database or accept that the target's contents are replaced. Run it as the bootstrap
# superuser: objects keep their owners (each service's migrator role) and grants, so the roles must exist first
# (the postgres-roles Job; manifests/README.md, "Backups").
set -euo pipefail

file="${1:?usage: restore.sh <onegate-YYYYmmddTHHMMSSZ.dump.enc>}"
: "${BACKUP_KEY_FILE:?BACKUP_KEY_FILE is not set}" "${PGDATABASE:?PGDATABASE (the target database) is not set}"

if [[ -f "$file.sha256" ]]; then
  (cd "$(dirname "$file")" && sha256sum --check --quiet "$(basename "$file").sha256") \
    || { echo "restore: checksum mismatch for $file" >&2; exit 1; }
else
  echo "restore: warning: no $file.sha256 next to the backup; integrity not checked" >&2
fi

openssl enc -d -aes-256-cbc -pbkdf2 -md sha256 -iter 600000 -pass "file:$BACKUP_KEY_FILE" -in "$file" \
  | pg_restore --single-transaction --clean --if-exists --exit-on-error --no-password --dbname "$PGDATABASE"
echo "restore: $file restored into $PGDATABASE"
