#!/bin/sh
# Renders Kong's declarative config: every ${NAME} placeholder in TEMPLATE (kong/kong.yml) is replaced by
# the environment variable NAME, escaped for a double-quoted YAML string (\ " and newlines, so a PEM fits on
# one line). It fails, and writes nothing usable, if a placeholder's variable is unset or empty. Kong then
# never starts with a literal "${...}" as a key id or public key.
#
#   render-config.sh TEMPLATE OUTPUT
#
# The Kong container runs it before Kong starts (AppHost: KongExtensions.cs; manifests: the Kong Deployment):
#   sh -c '/kong/render-config.sh /kong/kong.yml "$KONG_DECLARATIVE_CONFIG" && exec /docker-entrypoint.sh kong docker-start'
# POSIX sh and awk only (the kong image is Ubuntu-based: dash and mawk).
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 TEMPLATE OUTPUT" >&2
  exit 2
fi

template=$1
output=$2
mkdir -p "$(dirname "$output")"
umask 077
tmp="$output.tmp.$$"
trap 'rm -f "$tmp"' EXIT

awk '
function yaml_escape(value,    out, i, c) {
  out = ""
  for (i = 1; i <= length(value); i++) {
    c = substr(value, i, 1)
    if (c == "\\") out = out "\\\\"
    else if (c == "\"") out = out "\\\""
    else if (c == "\n") out = out "\\n"
    else if (c != "\r") out = out c
  }
  return out
}
{
  line = $0
  rendered = ""
  while (match(line, /\$\{[A-Z][A-Z0-9_]*\}/)) {
    name = substr(line, RSTART + 2, RLENGTH - 3)
    if (!(name in ENVIRON) || ENVIRON[name] == "") {
      printf "render-config.sh: %s is not set (line %d of the template)\n", name, NR > "/dev/stderr"
      failed = 1
      exit 1
    }
    rendered = rendered substr(line, 1, RSTART - 1) yaml_escape(ENVIRON[name])
    line = substr(line, RSTART + RLENGTH)
  }
  print rendered line
}
END { if (failed) exit 1 }
' "$template" > "$tmp"

mv "$tmp" "$output"
trap - EXIT
