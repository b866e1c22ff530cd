/**
 * Per-broker enforcement of client quotas, as Kafka 2.8's ClientQuotaManager (produce and fetch
 * byte rates) and ClientRequestQuotaManager (request handler time): each request's cost is
 * recorded on the sensor of the quota entity that governs its (user principal, client id), and
 * when the sensor's windowed rate exceeds the entity's bound the caller gets the throttle time
 * Kafka would compute. The connection then reports it in throttle_time_ms and stops reading from
 * the client for that long (lib/broker/request-throttle.ts).
 *
 * Which entity governs is Kafka's precedence, the most specific configured one winning:
 *   1 /config/users/<user>/clients/<client-id>   5 /config/users/<default>/clients/<default>
 *   2 /config/users/<user>/clients/<default>     6 /config/users/<default>
 *   3 /config/users/<user>                        7 /config/clients/<client-id>
 *   4 /config/users/<default>/clients/<client-id> 8 /config/clients/<default>
 * A quota set on a user alone (3, 6) is shared by all of that user's client ids (one sensor for
 * the user), one set on a client id alone (7, 8) by every user of that client id, as in Kafka.
 * The bound is looked up at every record, so a changed quota applies to the next request.
 */
import { WindowedRate, throttleTimeMs } from './quota-rate';
import { QuotaEntity, quotaEntityKey, quotaValues } from './client-quota-config';
import { DEFAULT_ENTITY_NAME as DEFAULT } from '../zk/entity-config';

export type ClientQuotaType = 'produce' | 'fetch' | 'request';

/** The config key each quota type is set with. */
export const QUOTA_KEY_OF: { readonly [T in ClientQuotaType]: string } = {
  produce: 'producer_byte_rate',
  fetch: 'consumer_byte_rate',
  request: 'request_percentage',
};

export interface QuotaWindowConfig {
  /** quota.window.num */
  readonly numSamples: number;
  /** quota.window.size.seconds, in ms */
  readonly windowMs: number;
}

/** Kafka drops a client's quota sensors after an hour without traffic. */
const SENSOR_EXPIRY_MS = 60 * 60 * 1000;

interface Sensor {
  readonly rate: WindowedRate;
  /** The entity whose bound applies: the sensor's metric tags in Kafka. */
  readonly tags: QuotaEntity;
  lastRecordMs: number;
}

export class ClientQuotaManager {
  private readonly bounds = new Map<string, number>();
  private readonly sensors = new Map<string, Sensor>();
  private lastSweepMs = 0;
  /** Sum of throttle times handed out, in ms, for the broker's metrics. */
  throttleTimeTotalMs = 0;
  throttledRequests = 0;

  /** @param maxThrottleMs the request quota caps a throttle at one window, as ClientRequestQuotaManager does. */
  constructor(readonly type: ClientQuotaType, private readonly window: QuotaWindowConfig, private readonly maxThrottleMs = Infinity) {}

  /** Sets (or with undefined removes) an entity's bound: bytes/s, or percent of one request handler. */
  setQuota(entity: QuotaEntity, bound: number | undefined): void {
    if (bound === undefined) this.bounds.delete(quotaEntityKey(entity));
    else this.bounds.set(quotaEntityKey(entity), bound);
  }

  /** False while no entity has a quota of this type: nothing is recorded then (Kafka's quotasEnabled). */
  get enabled(): boolean {
    return this.bounds.size > 0;
  }

  /** The bound that applies to `user` with `clientId`, undefined when unlimited. */
  quotaFor(user: string, clientId: string): number | undefined {
    return this.boundOf(this.governingEntity(user, clientId));
  }

  /**
   * Kafka's getMaxValueInQuotaWindow: the most one response may carry for this client, quota ×
   * (samples − 1) windows, so a single fetch never needs a throttle longer than the window to repay.
   */
  maxValueInQuotaWindow(user: string, clientId: string): number {
    if (!this.enabled) return Infinity;
    const bound = this.quotaFor(user, clientId);
    return bound === undefined ? Infinity : bound * (this.window.numSamples - 1) * (this.window.windowMs / 1000);
  }

  /** Records `value` for the client and returns how long to throttle it (0: within quota). */
  recordAndGetThrottleTimeMs(user: string, clientId: string, value: number, nowMs: number): number {
    if (!this.enabled) return 0;
    const sensor = this.sensor(user, clientId, nowMs);
    sensor.rate.record(value, nowMs);
    const bound = this.boundOf(sensor.tags);
    if (bound === undefined) return 0;
    const throttle = Math.min(throttleTimeMs(sensor.rate, bound, nowMs), this.maxThrottleMs);
    if (throttle > 0) {
      this.throttleTimeTotalMs += throttle;
      this.throttledRequests++;
    }
    return throttle;
  }

  /** Takes back a recorded value (Kafka's unrecordQuotaSensor: a throttled fetch is answered empty). */
  unrecord(user: string, clientId: string, value: number, nowMs: number): void {
    if (this.enabled) this.sensor(user, clientId, nowMs).rate.record(-value, nowMs);
  }

  /**
   * Kafka's DefaultQuotaCallback.quotaMetricTags: the entity whose sensor this client records on,
   * walking the precedence list down to the first configured entity (any quota type's
   * configuration counts only for its own manager, as in Kafka, where each manager keeps its own).
   */
  private governingEntity(user: string, clientId: string): QuotaEntity {
    const has = (entity: QuotaEntity) => this.bounds.has(quotaEntityKey(entity));
    if (has({ user, clientId }) || has({ user, clientId: DEFAULT })) return { user, clientId };
    if (has({ user })) return { user };
    if (has({ user: DEFAULT, clientId }) || has({ user: DEFAULT, clientId: DEFAULT })) return { user, clientId };
    if (has({ user: DEFAULT })) return { user };
    return { clientId };
  }

  /** Kafka's DefaultQuotaCallback.quotaLimit for a sensor's tags. */
  private boundOf(tags: QuotaEntity): number | undefined {
    const get = (entity: QuotaEntity) => this.bounds.get(quotaEntityKey(entity));
    const { user, clientId } = tags;
    if (user !== undefined && clientId !== undefined) {
      return get({ user, clientId }) ?? get({ user, clientId: DEFAULT }) ?? get({ user: DEFAULT, clientId }) ?? get({ user: DEFAULT, clientId: DEFAULT });
    }
    if (user !== undefined) return get({ user }) ?? get({ user: DEFAULT });
    if (clientId !== undefined) return get({ clientId }) ?? get({ clientId: DEFAULT });
    return undefined;
  }

  private sensor(user: string, clientId: string, nowMs: number): Sensor {
    this.sweep(nowMs);
    const tags = this.governingEntity(user, clientId);
    const key = quotaEntityKey(tags);
    let sensor = this.sensors.get(key);
    if (sensor === undefined) {
      sensor = { rate: new WindowedRate(this.window.numSamples, this.window.windowMs), tags, lastRecordMs: nowMs };
      this.sensors.set(key, sensor);
    }
    sensor.lastRecordMs = nowMs;
    return sensor;
  }

  private sweep(nowMs: number): void {
    if (nowMs - this.lastSweepMs < 60_000) return;
    this.lastSweepMs = nowMs;
    for (const [key, sensor] of this.sensors) if (nowMs - sensor.lastRecordMs > SENSOR_EXPIRY_MS) this.sensors.delete(key);
  }
}

/** The broker's three client quota managers, fed from the entity configs in ZooKeeper. */
export class ClientQuotas {
  readonly produce: ClientQuotaManager;
  readonly fetch: ClientQuotaManager;
  readonly request: ClientQuotaManager;

  constructor(window: QuotaWindowConfig) {
    this.produce = new ClientQuotaManager('produce', window);
    this.fetch = new ClientQuotaManager('fetch', window);
    this.request = new ClientQuotaManager('request', window, window.windowMs);
  }

  managers(): ClientQuotaManager[] {
    return [this.produce, this.fetch, this.request];
  }

  /** Applies an entity's stored config (empty: the entity has no quotas any more). */
  applyEntityConfig(entity: QuotaEntity, config: Readonly<Record<string, string>>): void {
    const values = quotaValues(config);
    for (const manager of this.managers()) manager.setQuota(entity, values.get(QUOTA_KEY_OF[manager.type]));
  }
}
