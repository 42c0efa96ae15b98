#!/bin/sh
# Prints Redis `user` directives for the ACL users in the rules file given as $1 (redis-users.acl), each with the
# SHA-256 of its password from the environment (REDIS_PASSWORD_ONEGATE_AUTH for onegate-auth, ...): passwords never
# reach the config, `ACL LIST` or a command line. A user whose password is not set is left out (Local mode has no
# Kong), so its clients cannot log in at all. POSIX sh: runs in the redis image as well as on a developer's machine.
set -eu
rules_file="$1"
grep -v -e '^#' -e '^[[:space:]]*$' "$rules_file" | while read -r user rules; do
  var="REDIS_PASSWORD_$(printf '%s' "$user" | tr 'a-z-' 'A-Z_')"
  password="$(printenv "$var" || true)"
  if [ -z "$password" ]; then
    echo "redis-acl: $var is not set; user $user not created" >&2
    continue
  fi
  hash="$(printf '%s' "$password" | sha256sum | cut -c1-64)"
  printf 'user %s reset on #%s resetchannels %s\n' "$user" "$hash" "$rules"
done
