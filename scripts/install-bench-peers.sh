#!/usr/bin/env bash
# Installs what `npm run bench -- --peers` compares Samsa with (Debian packages): RabbitMQ (its
# stream plugin is enabled per run by the bench), NATS server, Redis, and kcat for the Kafka
# listener's row. Not part of `npm test` or CI: the peers are for the side-by-side benchmark only.
# Their Node.js clients (rabbitmq-stream-js-client, nats, ioredis) are devDependencies.
# The bench never uses the packages' own services: it starts private servers on free ports.
set -euo pipefail
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nats-server >/dev/null || missing+=(nats-server)
{ command -v rabbitmq-server >/dev/null || [ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; } || missing+=(rabbitmq-server)
command -v kcat >/dev/null || missing+=(kcat)
if [ ${#missing[@]} -eq 0 ]; then echo "bench peers already installed"; exit 0; fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
