/**
 * The Admin client's view of what each broker serves: ApiVersions sent to every broker of the
 * cluster (Kafka's AdminClient.listAllBrokerVersionInfo, used by samsa-broker-api-versions). Over
 * the native protocol, so the ranges are the native API table's (lib/protocol/api.ts); a broker
 * that cannot be reached gets its error instead.
 */
import { Api } from '../protocol/api';
import { SamsaError } from '../protocol/errors';
import { asSamsaError, responseError } from './client-errors';
import { ConnectionPool } from './connection-pool';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

/** A broker as Metadata names it (the Admin client's BrokerNode). */
export interface VersionedNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface BrokerVersionInfo {
  node: VersionedNode;
  /** Empty when `error` is set. */
  apiVersions: ApiVersionRange[];
  error: SamsaError | null;
}

/** Asks every broker in `brokers` at once; one result per broker, in the order given. */
export async function listAllBrokerVersionInfo(pool: ConnectionPool, brokers: readonly VersionedNode[]): Promise<BrokerVersionInfo[]> {
  return Promise.all(brokers.map(async (node) => {
    try {
      const conn = await pool.forNode(node.nodeId);
      const response = await conn.send(Api.ApiVersions, {});
      if (response.errorCode !== 0) throw responseError(response.errorCode, null);
      return { node, apiVersions: response.apiKeys, error: null };
    } catch (err) {
      return { node, apiVersions: [], error: asSamsaError(err) };
    }
  }));
}
