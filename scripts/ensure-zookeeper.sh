#!/usr/bin/env bash
# Makes sure Java and Apache ZooKeeper's jars are available for bin/zookeeper-server-start and the
# integration tests. Exits 0 when they are (ZOOKEEPER_HOME tarball or Debian's /usr/share/java);
# as root, installs Debian's `zookeeper` package (which pulls in Java); otherwise explains and exits 1.
set -euo pipefail
JARS=(zookeeper.jar zookeeper-jute.jar slf4j-api.jar metrics-core.jar snappy-java.jar)

have_java() {
  if [ -n "${JAVA_HOME:-}" ]; then [ -x "$JAVA_HOME/bin/java" ]; else command -v java >/dev/null 2>&1; fi
}

have_jars() {
  if [ -n "${ZOOKEEPER_HOME:-}" ]; then
    compgen -G "$ZOOKEEPER_HOME/lib/zookeeper-[0-9]*.jar" >/dev/null || compgen -G "$ZOOKEEPER_HOME/zookeeper-[0-9]*.jar" >/dev/null
    return
  fi
  local jar
  for jar in "${JARS[@]}"; do [ -f "/usr/share/java/$jar" ] || return 1; done
}

if have_java && have_jars; then
  exit 0
fi

if [ -n "${ZOOKEEPER_HOME:-}" ] && ! have_jars; then
  echo "error: ZOOKEEPER_HOME=$ZOOKEEPER_HOME has no lib/zookeeper-<version>.jar; point it at an unpacked Apache ZooKeeper binary tarball" >&2
  exit 1
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing ZooKeeper and Java from Debian packages (apt-get install -y zookeeper)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y zookeeper >&2
  if have_java && have_jars; then exit 0; fi
  echo "error: installed the zookeeper package, but Java or the jars are still missing" >&2
  exit 1
fi

echo "error: Samsa needs Java and Apache ZooKeeper's jars." >&2
echo "  Debian/Ubuntu: sudo apt-get install -y zookeeper   (installs Java too)" >&2
echo "  Elsewhere:     install Java 11+ and set ZOOKEEPER_HOME to an unpacked ZooKeeper 3.5+ binary tarball" >&2
exit 1
