import { expect } from 'chai';
import * as net from 'net';
import { BrokerUnavailableError, ControllerChannel } from '../../lib/controller/controller-channel';
import { Api } from '../../lib/protocol/api';
import { UpdateMetadataRequestData } from '../../lib/protocol/messages/controller';
import { FakeBrokerServer } from './fake-broker';
import { waitUntil } from '../helpers/wait';

function updateMetadata(controllerEpoch: number): UpdateMetadataRequestData {
  return { controllerId: 0, controllerEpoch, brokerEpoch: 0, clusterId: 'c', partitionStates: [], liveBrokers: [] };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('controller/controller-channel', () => {
  let channel: ControllerChannel;
  const servers: FakeBrokerServer[] = [];

  afterEach(async () => {
    channel?.close();
    for (const s of servers.splice(0)) await s.close();
  });

  it('delivers requests to a broker in the order they were queued', async () => {
    const broker = new FakeBrokerServer(1);
    servers.push(broker);
    await broker.listen();
    channel = new ControllerChannel({ controllerId: 0 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port: broker.port });
    const sends = [1, 2, 3, 4, 5].map((epoch) => channel.send(1, Api.UpdateMetadata, updateMetadata(epoch)));
    await Promise.all(sends);
    expect(broker.updateMetadata().map((r) => r.controllerEpoch)).to.deep.equal([1, 2, 3, 4, 5]);
  });

  it('retries while the broker is unreachable and delivers once it listens', async () => {
    const port = await freePort();
    channel = new ControllerChannel({ controllerId: 0, retryBackoffMs: 20, retryBackoffMaxMs: 50, connectTimeoutMs: 500 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port });
    const sent = channel.send(1, Api.UpdateMetadata, updateMetadata(7));
    await new Promise((r) => setTimeout(r, 150));
    const broker = new FakeBrokerServer(1);
    servers.push(broker);
    await broker.listen(port);
    const response = await sent;
    expect(response).to.deep.equal({ errorCode: 0 });
    expect(broker.updateMetadata().map((r) => r.controllerEpoch)).to.deep.equal([7]);
  });

  it('replaces a queued snapshot with a newer one carrying the same coalesce key', async () => {
    const port = await freePort();
    channel = new ControllerChannel({ controllerId: 0, retryBackoffMs: 20, retryBackoffMaxMs: 50, connectTimeoutMs: 500 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port });
    const first = channel.send(1, Api.UpdateMetadata, updateMetadata(1), { coalesceKey: 'metadata' });
    const second = channel.send(1, Api.UpdateMetadata, updateMetadata(2), { coalesceKey: 'metadata' });
    const third = channel.send(1, Api.UpdateMetadata, updateMetadata(3), { coalesceKey: 'metadata' });
    expect(await second).to.equal(undefined);
    expect(channel.queuedRequests(1)).to.equal(2);
    const broker = new FakeBrokerServer(1);
    servers.push(broker);
    await broker.listen(port);
    await Promise.all([first, third]);
    expect(broker.updateMetadata().map((r) => r.controllerEpoch)).to.deep.equal([1, 3]);
  });

  it('fails queued requests when the broker is removed', async () => {
    const port = await freePort();
    channel = new ControllerChannel({ controllerId: 0, retryBackoffMs: 20, connectTimeoutMs: 500 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port });
    const sent = channel.send(1, Api.UpdateMetadata, updateMetadata(1));
    await new Promise((r) => setTimeout(r, 50));
    channel.removeBroker(1);
    const err = await sent.then(() => null, (e: Error) => e);
    expect(err).to.be.instanceOf(BrokerUnavailableError);
    expect(channel.hasBroker(1)).to.equal(false);
  });

  it('refuses requests past the queue bound', async () => {
    const port = await freePort();
    channel = new ControllerChannel({ controllerId: 0, retryBackoffMs: 1000, connectTimeoutMs: 500, maxQueuedRequests: 2 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port });
    const pending = [channel.send(1, Api.UpdateMetadata, updateMetadata(1)), channel.send(1, Api.UpdateMetadata, updateMetadata(2))];
    const err = await channel.send(1, Api.UpdateMetadata, updateMetadata(3)).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/queue to broker 1 is full/);
    channel.close();
    await Promise.allSettled(pending);
  });

  it('rejects requests for a broker it does not know', async () => {
    channel = new ControllerChannel({ controllerId: 0 });
    const err = await channel.send(9, Api.UpdateMetadata, updateMetadata(1)).then(() => null, (e: Error) => e);
    expect(err).to.be.instanceOf(BrokerUnavailableError);
  });

  it('reconnects after the broker drops the connection', async () => {
    const broker = new FakeBrokerServer(1);
    servers.push(broker);
    await broker.listen();
    channel = new ControllerChannel({ controllerId: 0, retryBackoffMs: 20 });
    channel.addBroker({ id: 1, host: '127.0.0.1', port: broker.port });
    await channel.send(1, Api.UpdateMetadata, updateMetadata(1));
    await broker.close();
    await broker.listen(broker.port);
    await channel.send(1, Api.UpdateMetadata, updateMetadata(2));
    await waitUntil('second request', () => broker.updateMetadata().length === 2);
  });
});
