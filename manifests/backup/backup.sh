#!/usr/bin/env bash
# One encrypted backup of the onegate database, then retention.
# pg_dump (custom format) is piped straight into openssl (AES-256-CBC, PBKDF2-SHA256 with 600,000
# iterations, random salt): plaintext never touches a disk and never leaves the process pipe.
# Env: PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE (and PGSSLMODE/PGSSLROOTCERT where TLS is required),
#      BACKUP_DIR (where the files go), BACKUP_KEY_FILE (the passphrase file, from a Secret),
#      BACKUP_KEEP (how many backups to keep; default 14 = two weeks of daily backups).
set -euo pipefail

: "${BACKUP_DIR:?BACKUP_DIR is not set}" "${BACKUP_KEY_FILE:?BACKUP_KEY_FILE is not set}"
keep="${BACKUP_KEEP:-14}"
[[ -s "$BACKUP_KEY_FILE" ]] || { echo "backup: key file $BACKUP_KEY_FILE is empty or missing" >&2; exit 1; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
name="onegate-${stamp}.dump.enc"
partial="$BACKUP_DIR/.${name}.partial"
trap 'rm -f "$partial"' EXIT

# pipefail: a failing pg_dump fails the job even though openssl succeeded.
pg_dump --format=custom --compress=6 --no-password \
  | openssl enc -aes-256-cbc -pbkdf2 -md sha256 -iter 600000 -salt -pass "file:$BACKUP_KEY_FILE" -out "$partial"

# Checksum of the ciphertext: restore refuses a truncated or altered file before decrypting it.
(cd "$BACKUP_DIR" && mv "$partial" "$name" && sha256sum "$name" > "$name.sha256")
echo "backup: wrote $BACKUP_DIR/$name ($(stat -c %s "$BACKUP_DIR/$name") bytes)"

# Retention by count, newest first: a run of failed days never deletes the last good backups.
mapfile -t old < <(cd "$BACKUP_DIR" && ls -1 onegate-*.dump.enc 2>/dev/null | sort -r | tail -n +"$((keep + 1))")
for file in "${old[@]}"; do
  rm -f "$BACKUP_DIR/$file" "$BACKUP_DIR/$file.sha256"
  echo "backup: retention removed $file"
done
