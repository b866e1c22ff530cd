#!/usr/bin/env bash
# Makes sure kcat (librdkafka's command-line client, Debian package `kcat`) is available for the
# Kafka-listener tests, which drive Samsa with it as users do. As root, installs it from Debian's
# packages; otherwise explains and exits 1.
set -euo pipefail
if command -v kcat >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing kcat from Debian packages (apt-get install -y kcat)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y kcat >&2
  command -v kcat >/dev/null 2>&1 && exit 0
  echo "error: installed the kcat package, but kcat is still missing" >&2
  exit 1
fi
echo "error: the Kafka-listener tests need kcat: sudo apt-get install -y kcat" >&2
exit 1
