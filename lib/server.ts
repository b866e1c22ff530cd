/**
 * `samsa/server`: a broker inside the application's own Node process, for embedding and tests.
 * The client entry (`samsa`, lib/index.ts) stays free of server code; everything that needs
 * ZooKeeper, the log storage and winston is reached from here instead.
 *
 *   const broker = await startBroker({ 'broker.id': 0, 'zookeeper.connect': 'localhost:2181', 'log.dirs': '/tmp/samsa', listeners: 'PLAINTEXT://127.0.0.1:0' });
 *   ...
 *   await broker.shutdown();
 */
import { Broker } from './broker/broker';
import { BrokerConfig, buildBrokerConfig, loadBrokerConfig, LoadedBrokerConfig } from './config/broker-config';
import type { RawConfig } from './config/config-def';
import { getLogger } from './util/logger';

export { Broker, buildBrokerConfig, loadBrokerConfig };
export type { BrokerConfig, LoadedBrokerConfig, RawConfig };
export { configureLogging } from './util/logger';
export type { LoggingOptions } from './util/logger';

/**
 * Starts a broker and resolves once it serves. `source` is a server.properties path, broker
 * properties by Kafka name (strings or JS values), or an already validated BrokerConfig.
 */
export async function startBroker(source: string | RawConfig | BrokerConfig | LoadedBrokerConfig): Promise<Broker> {
  const broker = new Broker(brokerConfigOf(source));
  await broker.startup(); // on failure it has released its listener and ZooKeeper session already
  return broker;
}

function brokerConfigOf(source: string | RawConfig | BrokerConfig | LoadedBrokerConfig): BrokerConfig {
  if (typeof source !== 'string' && !(source instanceof Map)) {
    if ('config' in source && typeof source.config === 'object' && source.config !== null) return (source as LoadedBrokerConfig).config;
    // A BrokerConfig has camelCase fields; properties are dotted Kafka names ('broker.id').
    if (typeof (source as Partial<BrokerConfig>).brokerId === 'number') return source as BrokerConfig;
  }
  const loaded = typeof source === 'string' ? loadBrokerConfig(source) : buildBrokerConfig(source as RawConfig);
  const log = getLogger('server');
  for (const key of loaded.unknownKeys) log.warn(`Unknown configuration key '${key}' was supplied but is not a known config.`);
  return loaded.config;
}
