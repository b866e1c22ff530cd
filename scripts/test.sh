#!/usr/bin/env bash
# `npm test`: installs what the suite needs (ZooKeeper from Debian, npm dependencies), builds,
# and runs every test — unit, integration and system — with mocha.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-zookeeper.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
exec npx mocha --config .mocharc.json \
  'dist/test/{protocol,record,storage,zk,config,broker,client,controller,cli,util}/**/*.test.js' \
  'dist/test/integration/**/*.test.js' 'dist/test/system/**/*.test.js'
