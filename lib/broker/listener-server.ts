/**
 * The seam between a broker and the servers behind its listeners.
 *
 * A broker binds every configured listener, each with its own server. Listeners speaking Samsa's
 * native protocol get a SocketServer over the broker's ApiDispatcher; listeners mapped to `kafka`
 * in `listener.wire.protocol.map` get a server built by `createKafkaListenerServer`, the one
 * function the Kafka connection handler (lib/broker/kafka/) replaces. Until that handler exists a
 * Kafka listener stops the broker at construction, before anything is bound or registered, so an
 * operator never sees a port published in ZooKeeper that nobody serves.
 */
import { BrokerConfig } from '../config/broker-config';
import { ConfigError } from '../config/config-error';
import { Listener } from '../config/endpoints';
import { Logger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { BrokerContext } from './broker-context';
import { SocketServer } from './socket-server';
import { StartupGate } from './startup-gate';

/** What the broker needs from the server of one listener. */
export interface ListenerServer {
  /** Binds `host:port` (empty host: every interface; port 0: a free port); resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  /** Stops accepting, waits up to `timeoutMs` for in-flight requests, then closes every connection. */
  shutdown(timeoutMs: number): Promise<void>;
  readonly connectionCount: number;
}

export interface ListenerServerDeps {
  readonly config: BrokerConfig;
  /** Samsa's native API handlers; those not marked servedWhileStarting wait behind the startup gate. */
  readonly dispatcher: ApiDispatcher;
  /** Open once the broker knows the cluster; a Kafka server holds client requests on it too. */
  readonly startupGate: StartupGate;
  /**
   * The broker's services (metadata cache, replicas, groups...). They exist once the broker has
   * connected to ZooKeeper, which is before any listener is bound; calling earlier throws.
   */
  readonly services: () => BrokerContext;
  readonly logger: Logger;
}

export type ListenerServerFactory = (listener: Listener, deps: ListenerServerDeps) => ListenerServer;

/** Builds the server for one listener according to its wire protocol. */
export const createListenerServer: ListenerServerFactory = (listener, deps) => {
  if (listener.wireProtocol === 'kafka') return createKafkaListenerServer(listener, deps);
  return new SocketServer(deps.dispatcher, {
    listenerName: listener.name,
    maxFrameBytes: deps.config.socketRequestMaxBytes,
    maxInFlightRequests: deps.config.queuedMaxRequests,
    logger: deps.logger,
  }, deps.logger);
};

/** Replaced by the Kafka connection handler; until then a Kafka listener is a configuration error. */
export const createKafkaListenerServer: ListenerServerFactory = (listener) => {
  throw new ConfigError(
    `listener ${listener.name} speaks the Kafka protocol, which this build does not serve yet; ` +
    `remove it from listeners or map it to samsa in listener.wire.protocol.map`,
    { key: 'listener.wire.protocol.map', value: `${listener.name}:kafka` },
  );
};
