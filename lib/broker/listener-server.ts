/**
 * The seam between a broker and the servers behind its listeners.
 *
 * A broker binds every configured listener, each with its own server. Listeners speaking Samsa's
 * native protocol get a SocketServer over the broker's ApiDispatcher; listeners mapped to `kafka`
 * in `listener.wire.protocol.map` get a server built by `createKafkaListenerServer`, the one
 * function that puts the Kafka codec (lib/broker/kafka/) over the same native handlers.
 */
import { BrokerConfig } from '../config/broker-config';
import { Listener } from '../config/endpoints';
import { Logger } from '../util/logger';
import { ApiDispatcher } from './api-dispatcher';
import { BrokerContext } from './broker-context';
import { NativeCodec } from './native-codec';
import { SocketServer } from './socket-server';
import { kafkaCodecFactory } from './kafka/kafka-handlers';
import { StartupGate } from './startup-gate';
import { QuotaThrottler } from './request-throttle';

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
  /** Client quotas: records each answered request and mutes a client over its quota. */
  readonly throttler?: QuotaThrottler;
}

export type ListenerServerFactory = (listener: Listener, deps: ListenerServerDeps) => ListenerServer;

/** Builds the server for one listener according to its wire protocol. */
export const createListenerServer: ListenerServerFactory = (listener, deps) => {
  if (listener.wireProtocol === 'kafka') return createKafkaListenerServer(listener, deps);
  return new SocketServer((remote) => new NativeCodec(deps.dispatcher, deps.logger, remote), {
    listenerName: listener.name,
    securityProtocol: listener.securityProtocol,
    maxFrameBytes: deps.config.socketRequestMaxBytes,
    maxInFlightRequests: deps.config.queuedMaxRequests,
    logger: deps.logger,
    observer: deps.dispatcher.observer,
    throttler: deps.throttler,
  }, deps.logger, deps.config.listenerTls[listener.name]);
};

/** A Kafka-protocol listener: the same acceptor, the Kafka codec over the same handlers. */
const createKafkaListenerServer: ListenerServerFactory = (listener, deps) =>
  new SocketServer(kafkaCodecFactory(deps.dispatcher, deps.logger, deps.services), {
    listenerName: listener.name,
    securityProtocol: listener.securityProtocol,
    maxFrameBytes: deps.config.socketRequestMaxBytes,
    maxInFlightRequests: deps.config.queuedMaxRequests,
    logger: deps.logger,
    observer: deps.dispatcher.observer,
    throttler: deps.throttler?.forKafkaListener(),
  }, deps.logger, deps.config.listenerTls[listener.name]);
