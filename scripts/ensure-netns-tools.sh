#!/usr/bin/env bash
# Makes sure the chaos smoke test (test/chaos/smoke.test.ts, root only) has `ip` (iproute2) and
# `iptables` to build its network namespaces and partitions. As root, installs what is missing from
# Debian's packages; not root, there is nothing to do: the smoke test says it skipped.
set -euo pipefail
if [ "$(id -u)" != "0" ]; then
  exit 0
fi
missing=()
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
  echo "Installing ${missing[*]} from Debian packages for the chaos smoke test..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y "${missing[@]}" >&2
  exit 0
fi
echo "error: the chaos smoke test needs ${missing[*]} (ip and iptables)" >&2
exit 1
