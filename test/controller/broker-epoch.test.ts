import { expect } from 'chai';
import { Broker } from '../../lib/broker/broker';
import { BrokerContext } from '../../lib/broker/broker-context';
import { leaderAndIsrHandler, stopReplicaHandler, updateMetadataHandler } from '../../lib/broker/handlers/controller-requests';
import { RequestContext } from '../../lib/broker/request-context';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { LeaderAndIsrRequestData, PartitionStateData } from '../../lib/protocol/messages/controller';
import { startBroker } from '../helpers/cluster';
import { waitUntil } from '../helpers/wait';
import { Admin, startNode, stopNode, TestNode, useChrootedZooKeeper } from './controller-harness';

const STALE_BROKER_EPOCH = 77;
const request = {} as RequestContext;

function partitionState(topic: string): PartitionStateData {
  return { topicName: topic, partitionIndex: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1], zkVersion: 0, replicas: [1], isNew: true };
}

/** Just enough of a broker for the controller-request handlers; records what reaches the replica manager. */
function stubBroker(epoch: number): { ctx: BrokerContext; applied: string[] } {
  const applied: string[] = [];
  const metadata = { controllerEpoch: 1, update: () => applied.push('UpdateMetadata') };
  const replicas = {
    applyLeaderAndIsr: () => (applied.push('LeaderAndIsr'), { errorCode: 0, partitionErrors: [] }),
    stopReplicas: () => (applied.push('StopReplica'), { errorCode: 0, partitionErrors: [] }),
  };
  const logger = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };
  return { ctx: { brokerEpoch: () => epoch, metadata, replicas, logger } as unknown as BrokerContext, applied };
}

describe('controller/broker-epoch', function () {
  this.timeout(60000);

  describe('controller requests at the broker', () => {
    const header = { controllerId: 1, controllerEpoch: 1 };

    it('rejects LeaderAndIsr, StopReplica and UpdateMetadata addressed to an earlier registration', async () => {
      const { ctx, applied } = stubBroker(500);
      const lair = await leaderAndIsrHandler(ctx)({ ...header, brokerEpoch: 499, partitionStates: [partitionState('a')], liveLeaders: [] }, request);
      expect(lair).to.deep.equal({ errorCode: STALE_BROKER_EPOCH, partitionErrors: [{ topicName: 'a', partitionIndex: 0, errorCode: STALE_BROKER_EPOCH }] });
      const stop = await stopReplicaHandler(ctx)({ ...header, brokerEpoch: 499, deletePartitions: true, partitions: [{ topicName: 'a', partitionIndex: 0 }] }, request);
      expect(stop?.errorCode).to.equal(STALE_BROKER_EPOCH);
      expect(stop?.partitionErrors[0].errorCode).to.equal(STALE_BROKER_EPOCH);
      const um = await updateMetadataHandler(ctx)({ ...header, brokerEpoch: 1, clusterId: null, partitionStates: [], liveBrokers: [] }, request);
      expect(um).to.deep.equal({ errorCode: STALE_BROKER_EPOCH });
      expect(applied).to.deep.equal([]);
    });

    it('accepts the current epoch, a newer one (seen by the controller first) and an unknown one (-1)', async () => {
      const { ctx, applied } = stubBroker(500);
      for (const brokerEpoch of [500, 501, -1]) {
        const body: LeaderAndIsrRequestData = { ...header, brokerEpoch, partitionStates: [], liveLeaders: [] };
        expect((await leaderAndIsrHandler(ctx)(body, request))?.errorCode).to.equal(0);
      }
      expect((await updateMetadataHandler(ctx)({ ...header, brokerEpoch: 500, clusterId: null, partitionStates: [], liveBrokers: [] }, request))?.errorCode).to.equal(0);
      expect(applied).to.deep.equal(['LeaderAndIsr', 'LeaderAndIsr', 'LeaderAndIsr', 'UpdateMetadata']);
    });
  });

  describe('with ZooKeeper', () => {
    const zk = useChrootedZooKeeper('broker-epoch-test');
    let connect: string;
    let admin: Admin;

    beforeEach(() => {
      ({ connect, admin } = zk);
    });

    it('the controller refuses a controlled shutdown sent with an earlier broker epoch', async () => {
      const nodes: TestNode[] = [await startNode(1, connect), await startNode(2, connect)];
      try {
        await admin.createTopic('cs', { 0: [2, 1] });
        await waitUntil('cs online', async () => (await admin.state('cs', 0))?.leader === 2);
        const [n1, n2] = nodes;
        const err = await n1.controller.controlledShutdown(2, n2.broker.epoch - 1).then(() => null, (e: Error & { code?: number }) => e);
        expect(err?.code).to.equal(STALE_BROKER_EPOCH);
        expect(await admin.state('cs', 0)).to.deep.include({ leader: 2, leaderEpoch: 0 });

        expect(await n1.controller.controlledShutdown(2, n2.broker.epoch)).to.deep.equal([]);
        expect(await admin.state('cs', 0)).to.deep.include({ leader: 1, leaderEpoch: 1, isr: [1] });
      } finally {
        for (const n of nodes) await stopNode(n).catch(() => undefined);
      }
    });

    it('a real broker answers STALE_BROKER_EPOCH to a LeaderAndIsr for its earlier registration', async () => {
      let broker: Broker | null = null;
      const conn = { current: null as Connection | null };
      try {
        broker = await startBroker({ brokerId: 1, zkConnect: connect });
        await waitUntil('broker is controller', () => broker!.isController);
        conn.current = new Connection({ host: '127.0.0.1', port: broker.port, clientId: 'epoch-test' });
        const body = (brokerEpoch: number): LeaderAndIsrRequestData => ({ controllerId: 1, controllerEpoch: 1, brokerEpoch, partitionStates: [], liveLeaders: [] });
        expect((await conn.current.send(Api.LeaderAndIsr, body(broker.brokerEpoch - 1))).errorCode).to.equal(STALE_BROKER_EPOCH);
        expect((await conn.current.send(Api.LeaderAndIsr, body(broker.brokerEpoch))).errorCode).to.equal(0);
      } finally {
        conn.current?.close();
        await broker?.shutdown();
      }
    });
  });
});
