/**
 * A broker's quotas in one place, so the broker wires them with a line or two: the client quota
 * managers, the throttler the listeners' connections consult, the follower that loads the quota
 * entities from ZooKeeper and keeps them current, and the replication throttles.
 */
import { BrokerConfig } from '../config/broker-config';
import { getLogger } from '../util/logger';
import { ConfigChangeListener } from '../zk/config-change-listener';
import { EntityConfigStore } from '../zk/entity-config';
import { ZkClient } from '../zk/zk-client';
import { ClientQuotaFollower } from './client-quota-follower';
import { ClientQuotaStore } from './client-quota-store';
import { ClientQuotas } from './client-quotas';
import { QuotaThrottler } from './request-throttle';
import { ReplicationQuotas } from './replication-quotas';

export class BrokerQuotas {
  readonly client: ClientQuotas;
  readonly throttler: QuotaThrottler;
  /** Replication throttles: the fetch handler and the replica fetchers consult them through ReplicaManager. */
  readonly replication: ReplicationQuotas;

  constructor(config: BrokerConfig) {
    this.client = new ClientQuotas(config.quotaWindow);
    this.throttler = new QuotaThrottler(this.client);
    this.replication = new ReplicationQuotas(config.brokerId, config.replicationQuotaWindow);
  }

  /** Loads the quota entities and registers for their changes (before `changes.start()`); returns the store the quota APIs use. */
  async start(zk: ZkClient, changes: ConfigChangeListener): Promise<ClientQuotaStore> {
    await new ClientQuotaFollower(zk, this.client, getLogger('quotas')).start(changes);
    const configs = new EntityConfigStore(zk);
    await this.replication.start(configs, changes, getLogger('replication-quotas'));
    return new ClientQuotaStore(configs);
  }
}
