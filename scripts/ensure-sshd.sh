#!/usr/bin/env bash
# The SSH tests start a real OpenSSH sshd; install Debian's openssh-server when missing.
set -uo pipefail
[ -x /usr/sbin/sshd ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "ensure-sshd: installing openssh-server ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-client) >/dev/null 2>&1 \
    || echo "ensure-sshd: could not install openssh-server; SSH tests will be skipped" >&2
else
  echo "ensure-sshd: no sshd and no way to install it; SSH tests will be skipped" >&2
fi
exit 0
