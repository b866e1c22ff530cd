#!/usr/bin/env bash
# Makes sure docker-compose is available for test/docker/compose.test.ts, which validates
# docker/docker-compose.yml with `docker-compose config`. Debian's docker-compose (1.29, Python)
# needs no Docker engine for that. As root, installs it from Debian's packages; otherwise
# explains and exits 1.
set -euo pipefail
if command -v docker-compose >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing docker-compose from Debian packages (apt-get install -y docker-compose)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y docker-compose >&2
  command -v docker-compose >/dev/null 2>&1 && exit 0
  echo "error: installed the docker-compose package, but docker-compose is still missing" >&2
  exit 1
fi
echo "error: the compose file test needs docker-compose: sudo apt-get install -y docker-compose" >&2
exit 1
