#!/usr/bin/env bash
# Installs (or upgrades) the Hybrid edge agent as a systemd service:
#   /opt/hybrid-edge/             the native-AOT agent (replaced on upgrade)
#   /etc/hybrid-edge/edge.json    settings (created once, never overwritten)
#   /etc/hybrid-edge/edge.env     secrets such as Hybrid__Uplink__FunctionKey (created once, mode 0600)
#   /etc/systemd/system/hybrid-edge.service
# The store lives in /var/lib/hybrid-edge and is never touched, so an upgrade loses nothing.
#
# usage: edge/install.sh [--binary-dir DIR] [--root DIR] [--no-start]
#   --binary-dir DIR  the published agent (default: out/edge, from ./hybrid publish-edge)
#   --root DIR        install below DIR instead of / (for packaging and tests); implies --no-start
#   --no-start        do not run systemctl (daemon-reload, enable, restart)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BINARY_DIR="$HERE/../out/edge"
ROOT=""
START=1

while [ $# -gt 0 ]; do
  case "$1" in
    --binary-dir) BINARY_DIR="$2"; shift 2 ;;
    --root) ROOT="${2%/}"; START=0; shift 2 ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

fail() { echo "install.sh: $*" >&2; exit 1; }

[ -x "$BINARY_DIR/hybrid-edge" ] || fail "no agent at $BINARY_DIR/hybrid-edge; run ./hybrid publish-edge first (or pass --binary-dir)"
[ -n "$ROOT" ] || [ "$(id -u)" -eq 0 ] || fail "run as root (sudo), or pass --root DIR"

opt="$ROOT/opt/hybrid-edge"
etc="$ROOT/etc/hybrid-edge"
units="$ROOT/etc/systemd/system"
install -d -m 0755 "$opt" "$etc" "$units"

# Each file goes in under a temporary name and is renamed over the old one: a running agent keeps its open binary.
for file in hybrid-edge libe_sqlite3.so appsettings.json; do
  if [ -e "$BINARY_DIR/$file" ]; then
    mode=0644
    [ "$file" = hybrid-edge ] && mode=0755
    install -m "$mode" "$BINARY_DIR/$file" "$opt/.$file.new"
    mv -f "$opt/.$file.new" "$opt/$file"
  fi
done

if [ ! -e "$etc/edge.json" ]; then
  cat > "$etc/edge.json" <<'JSON'
{
  "Hybrid": {
    "Agent": { "DeviceId": "" },
    "Mqtt": { "Enabled": true, "Host": "127.0.0.1", "Port": 1883 },
    "Uplink": { "Enabled": false, "Url": "" },
    "Capture": { "System": { "Enabled": true } }
  }
}
JSON
  chmod 0644 "$etc/edge.json"
  echo "created $etc/edge.json: set Hybrid:Agent:DeviceId (empty = host name), the broker and the uplink URL"
else
  echo "kept $etc/edge.json"
fi

if [ ! -e "$etc/edge.env" ]; then
  (umask 077; cat > "$etc/edge.env" <<'ENV'
# Secrets for the agent, one NAME=value per line (this file is readable by root only).
# Hybrid__Uplink__FunctionKey=
# Hybrid__Mqtt__Password=
ENV
  )
  echo "created $etc/edge.env (mode 0600) for the function key and the MQTT password"
else
  echo "kept $etc/edge.env"
fi

install -m 0644 "$HERE/hybrid-edge.service" "$units/.hybrid-edge.service.new"
mv -f "$units/.hybrid-edge.service.new" "$units/hybrid-edge.service"
echo "installed $opt/hybrid-edge and $units/hybrid-edge.service"

if [ "$START" -eq 1 ]; then
  systemctl daemon-reload
  systemctl enable hybrid-edge.service
  # restart, not start: an upgrade replaces a running agent (SIGTERM first: it finishes its batch and closes the store).
  systemctl restart hybrid-edge.service
  echo "running: systemctl status hybrid-edge; logs: journalctl -u hybrid-edge -f"
fi
