#!/usr/bin/env bash
# `npm start`: a single-node Samsa cluster for a newcomer — a local ZooKeeper plus broker 1,
# data under ./data, logs under ./logs. Installs what is missing first. Ctrl-C stops both cleanly.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-zookeeper.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
mkdir -p logs data

zk_port=$(sed -n 's/^clientPort=\([0-9]*\).*/\1/p' config/zookeeper.properties | head -1)
echo "Starting ZooKeeper on port ${zk_port:-2181} (log: logs/zookeeper.out)"
# Its own session, so Ctrl-C reaches only the broker; ZooKeeper is stopped after the broker has deregistered.
setsid bin/zookeeper-server-start config/zookeeper.properties > logs/zookeeper.out 2>&1 &
zk_pid=$!

broker_pid=""
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$broker_pid" ] && kill -0 "$broker_pid" 2>/dev/null; then
    echo "Stopping broker 1"
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
  fi
  if kill -0 "$zk_pid" 2>/dev/null; then
    echo "Stopping ZooKeeper"
    kill -TERM "$zk_pid" 2>/dev/null || true
    wait "$zk_pid" 2>/dev/null || true
  fi
}
trap cleanup INT TERM EXIT

for _ in $(seq 1 300); do
  if (exec 3<>"/dev/tcp/127.0.0.1/${zk_port:-2181}") 2>/dev/null; then break; fi
  if ! kill -0 "$zk_pid" 2>/dev/null; then echo "ZooKeeper failed to start; see logs/zookeeper.out" >&2; exit 1; fi
  sleep 0.2
done

http_url=$(sed -n 's/^http\.listener=\(http:\/\/[^[:space:]]*\).*/\1/p' config/server.properties | head -1)
echo "Starting broker 1 (config/server.properties); press Ctrl-C to stop"
[ -z "$http_url" ] || echo "Web console: ${http_url}/ ; health, readiness and Prometheus metrics: ${http_url}/health ${http_url}/ready ${http_url}/metrics"
bin/samsa-server-start config/server.properties "$@" &
broker_pid=$!
wait "$broker_pid" || true
