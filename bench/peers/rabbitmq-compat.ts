/**
 * rabbitmq-stream-js-client (every published version) sends ExchangeCommandVersions on connect,
 * a command RabbitMQ added in 3.11; Debian 12 ships RabbitMQ 3.10, which answers it by closing the
 * connection. The exchange only tells the client which optional commands (filtering, v2 publish)
 * the server has, none of which the benchmark uses, so against a server older than 3.11 the
 * client skips it, as the Java and Go clients do.
 */
export function serverPredatesCommandVersions(version: string | undefined): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version ?? '');
  return m !== null && (Number(m[1]) < 3 || (Number(m[1]) === 3 && Number(m[2]) < 11));
}

export function patchForOldServers(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Connection } = require('rabbitmq-stream-js-client/dist/connection');
  const exchange = Connection.prototype.exchangeCommandVersions;
  Connection.prototype.exchangeCommandVersions = function (this: { peerProperties?: { version?: string } }) {
    if (serverPredatesCommandVersions(this.peerProperties?.version)) return Promise.resolve(true);
    return exchange.call(this);
  };
}
