#!/usr/bin/env bash
# The SSH tests start a real OpenSSH sshd; install Debian's openssh-server when missing.
# Exits 1 with one line saying why when there is no sshd afterwards: the SSH tests
# would fail anyway (they never skip), so CI stops here with the reason.
set -uo pipefail
sshd=${TUI_FT_SSHD:-/usr/sbin/sshd}  # another path only for its own test
[ -x "$sshd" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "ensure-sshd: $sshd missing and not root; install it: sudo apt-get install openssh-server" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "ensure-sshd: $sshd missing and no apt-get here; install OpenSSH's server with this system's package manager" >&2
  exit 1
fi
echo "ensure-sshd: installing openssh-server ..." >&2
log=$(mktemp)
if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  --no-install-recommends openssh-server openssh-client) >"$log" 2>&1; then
  tail -5 "$log" >&2
  echo "ensure-sshd: apt-get could not install openssh-server (above: its last lines; full log $log)" >&2
  exit 1
fi
rm -f "$log"
if [ ! -x "$sshd" ]; then
  echo "ensure-sshd: openssh-server installed but $sshd is missing" >&2
  exit 1
fi
