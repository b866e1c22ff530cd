/**
 * The usual fixture of a listener test: a real ZooKeeper and one in-process broker with both
 * listeners (native and Kafka), started before the suite and stopped after it.
 */
import { Broker } from '../../lib/broker/broker';
import { RawValue } from '../../lib/config/config-def';
import { BOTH_LISTENERS, SINGLE_BROKER_GROUPS, startBroker } from './cluster';
import { startTestZooKeeper, TestZooKeeper } from './zookeeper';

export interface OneBroker {
  zk: TestZooKeeper;
  broker: Broker;
  /** host:port of the native listener. */
  native: string;
  /** host:port of the Kafka listener. */
  kafka: string;
}

/** Registers before/after hooks; the returned object is filled in by the time tests run. */
/** `prepare` runs against the fresh ZooKeeper before the broker starts (e.g. to seed ACLs it must find at startup). */
export function useOneBroker(overrides: Record<string, RawValue> = {}, prepare?: (zkConnect: string) => Promise<void>): OneBroker {
  const fixture = {} as OneBroker;
  before(async () => {
    fixture.zk = await startTestZooKeeper();
    await prepare?.(fixture.zk.connectString);
    fixture.broker = await startBroker({
      brokerId: 1, zkConnect: fixture.zk.connectString,
      overrides: { listeners: BOTH_LISTENERS, ...SINGLE_BROKER_GROUPS, ...overrides },
    });
    fixture.native = `127.0.0.1:${fixture.broker.port}`;
    fixture.kafka = `127.0.0.1:${fixture.broker.boundPort('KAFKA')}`;
  });
  after(async () => {
    await fixture.broker?.shutdown();
    await fixture.zk?.stop();
  });
  return fixture;
}
