#!/usr/bin/env bash
# Local-mode Redis for the OneGate AppHost. The admin password goes into a 0600 config file, not onto the
# command line (which the dashboard and `ps` show); the services' ACL users follow as `user` directives with
# password hashes (redis-acl.sh, the script the manifests run too).
# Env: REDIS_PORT, REDIS_PASSWORD (the default user: admin), REDIS_DATA_DIR, REDIS_ACL_SCRIPT, REDIS_ACL_RULES and
# REDIS_PASSWORD_<USER> per ACL user.
set -euo pipefail

if ! command -v redis-server >/dev/null; then
  echo "redis-server not found (apt-get install redis-server)" >&2
  exit 1
fi

mkdir -p "$REDIS_DATA_DIR"
umask 077
cat > "$REDIS_DATA_DIR/redis.conf" <<CONF
port $REDIS_PORT
bind 127.0.0.1
protected-mode yes
requirepass "$REDIS_PASSWORD"
dir $REDIS_DATA_DIR
# Sessions and rate-limit windows survive a restart; the append-only file loses at most a second.
appendonly yes
appendfsync everysec
save ""
daemonize no
loglevel warning
CONF
sh "$REDIS_ACL_SCRIPT" "$REDIS_ACL_RULES" >> "$REDIS_DATA_DIR/redis.conf"

echo "starting redis on 127.0.0.1:$REDIS_PORT (data: $REDIS_DATA_DIR)"
exec redis-server "$REDIS_DATA_DIR/redis.conf"
