#!/usr/bin/env bash
# `npm test`: installs what the suite needs (ZooKeeper, kcat, docker-compose and Chromium from Debian, npm dependencies), builds,
# checks lib/'s import graph, and runs every test — unit, integration and system — with mocha
# (plus a short chaos scenario on network namespaces when run as root; see docs/reliability.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-zookeeper.sh
bash scripts/ensure-kcat.sh
bash scripts/ensure-docker-compose.sh
bash scripts/ensure-chromium.sh
bash scripts/ensure-netns-tools.sh
# A lock file newer than the installed tree (a new devDependency, say) installs again.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund; fi
npm run --silent build
# lib/ must stay free of import cycles, unused files and unused exports (scripts/check-lib-imports.ts).
node dist/scripts/check-lib-imports.js
# In-process brokers and clients log errors only; set SAMSA_LOG_LEVEL=info to see everything.
export SAMSA_LOG_LEVEL="${SAMSA_LOG_LEVEL:-error}"
exec npx mocha --config .mocharc.json \
  'dist/test/{protocol,record,storage,zk,config,broker,client,controller,cli,util,group,transaction,security,http,scripts,docker,testing,docs,mirror,bench}/**/*.test.js' \
  'dist/test/integration/**/*.test.js' 'dist/test/system/**/*.test.js' 'dist/test/package/**/*.test.js' \
  'dist/test/chaos/**/*.test.js'
