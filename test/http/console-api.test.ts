import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { apiRequest } from '../helpers/console-http';
import { useOneBroker } from '../helpers/one-broker';
import { waitUntil } from '../helpers/wait';

describe('http/console JSON API (no authorizer)', function () {
  this.timeout(60000);

  describe('read-only (default)', () => {
    const fixture = useOneBroker({ 'http.listener': 'http://127.0.0.1:0', 'http.console.group.lag.sample.interval.ms': 200 });
    const port = () => fixture.broker.httpPort;

    before(async () => {
      const admin = new Admin({ bootstrapServers: fixture.native });
      await admin.createTopic({ topic: 'orders', numPartitions: 2, replicationFactor: 1, configs: { 'retention.ms': '3600000' } });
      await admin.close();
      const producer = new Producer({ bootstrapServers: fixture.native, acks: -1 });
      for (let i = 0; i < 10; i++) {
        await producer.send({ topic: 'orders', partition: 0, key: `k${i}`, value: JSON.stringify({ n: i }), headers: [{ key: 'h', value: Buffer.from([0xff, i]) }] });
      }
      await producer.close();
      const consumer = new Consumer({ bootstrapServers: fixture.native, groupId: 'billing', autoOffsetReset: 'earliest', enableAutoCommit: false });
      consumer.subscribe(['orders']);
      let seen = 0;
      await waitUntil('records consumed', async () => { seen += (await consumer.poll(500)).length; return seen >= 4; });
      await consumer.commitSync([{ topic: 'orders', partition: 0, offset: 4 }]);
      await consumer.close();
    });

    it('serves the app and its assets with their content types', async () => {
      const page = await apiRequest(port(), '/');
      expect(page.status).to.equal(200);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.body).to.contain('/assets/app.js');
      const script = await apiRequest(port(), '/assets/app.js');
      expect(script.status).to.equal(200);
      expect(script.headers['content-type']).to.equal('text/javascript; charset=utf-8');
      expect((await apiRequest(port(), '/assets/console.css')).headers['content-type']).to.equal('text/css; charset=utf-8');
      expect((await apiRequest(port(), '/assets/..%2Fpackage.json')).status).to.equal(404);
      expect((await apiRequest(port(), '/assets/nope.js')).status).to.equal(404);
      // The probes keep working next to the console.
      expect((await apiRequest(port(), '/health')).status).to.equal(200);
    });

    it('describes the cluster, the topics with their ISR and a topic with offsets and configs', async () => {
      const cluster = await apiRequest(port(), '/api/cluster');
      expect(cluster.status).to.equal(200);
      expect(cluster.json.controllerId).to.equal(1);
      expect(cluster.json.brokers).to.have.length(1);
      expect(cluster.json.brokers[0]).to.include({ id: 1, host: '127.0.0.1' });
      expect(cluster.json.brokers[0].endpoints).to.include.members([fixture.native, fixture.kafka].map((a, i) => `${i === 0 ? 'PLAINTEXT' : 'KAFKA'}://${a}`));
      expect(cluster.json.writeEnabled).to.equal(false);

      const topics = await apiRequest(port(), '/api/topics');
      const orders = topics.json.find((t: any) => t.name === 'orders');
      expect(orders).to.include({ partitionCount: 2, replicationFactor: 1, underReplicatedPartitions: 0 });
      expect(orders.partitions[0]).to.deep.include({ leader: 1, replicas: [1], isr: [1] });
      expect(orders.overrides).to.deep.equal({ 'retention.ms': '3600000' });
      expect(orders.localSizeBytes).to.be.greaterThan(0);

      const topic = await apiRequest(port(), '/api/topics/orders');
      expect(topic.status).to.equal(200);
      expect(topic.json.partitions[0]).to.include({ earliestOffset: 0, latestOffset: 10 });
      expect(topic.json.configs['retention.ms']).to.equal('3600000');
      expect(topic.json.configs['cleanup.policy']).to.equal('delete');
    });

    it('browses records from an offset, from a time and the latest ones', async () => {
      const fromOffset = await apiRequest(port(), '/api/topics/orders/records?partition=0&offset=3&limit=2');
      expect(fromOffset.status).to.equal(200);
      expect(fromOffset.json.records.map((r: any) => r.offset)).to.deep.equal([3, 4]);
      const record = fromOffset.json.records[0];
      expect(Buffer.from(record.key.base64, 'base64').toString()).to.equal('k3');
      expect(JSON.parse(Buffer.from(record.value.base64, 'base64').toString())).to.deep.equal({ n: 3 });
      expect(record.headers[0].key).to.equal('h');
      expect([...Buffer.from(record.headers[0].value.base64, 'base64')]).to.deep.equal([0xff, 3]);

      const latest = await apiRequest(port(), '/api/topics/orders/records?partition=0&limit=3');
      expect(latest.json.records.map((r: any) => r.offset)).to.deep.equal([7, 8, 9]);
      const byTime = await apiRequest(port(), `/api/topics/orders/records?partition=0&timestamp=${record.timestamp}&limit=500`);
      expect(byTime.json.records[0].offset).to.be.at.most(3);
      expect(byTime.json.records.at(-1).offset).to.equal(9);
      const empty = await apiRequest(port(), '/api/topics/orders/records?partition=1');
      expect(empty.json.records).to.deep.equal([]);
    });

    it('shows a consumer group with its committed offsets and lag', async () => {
      const groups = await apiRequest(port(), '/api/groups');
      expect(groups.json.map((g: any) => g.groupId)).to.include('billing');
      const group = await apiRequest(port(), '/api/groups/billing');
      expect(group.status).to.equal(200);
      const p0 = group.json.partitions.find((p: any) => p.topic === 'orders' && p.partition === 0);
      expect(p0).to.include({ committedOffset: 4, latestOffset: 10, lag: 6 });
      expect(group.json.totalLag).to.equal(6);
      expect((await apiRequest(port(), '/api/groups/nobody')).status).to.equal(404);
      // An encoded '/' stays part of the group id.
      const slashed = await apiRequest(port(), '/api/groups/a%2Fb');
      expect(slashed.status).to.equal(404);
      expect(slashed.json.error).to.equal('Consumer group a/b does not exist');
    });

    it('keeps a server-side lag history per group', async () => {
      let group: any;
      await waitUntil('lag sampled', async () => {
        group = (await apiRequest(port(), '/api/groups/billing')).json;
        return group.lagHistory.samples.length > 0;
      });
      expect(group.lagHistory.intervalMs).to.equal(200);
      expect(group.lagHistory.samples.at(-1).totalLag).to.equal(6);
      expect(group.lagHistory.samples.at(-1).timeMs).to.be.a('number');
    });

    it('keeps a throughput history', async () => {
      const reply = await apiRequest(port(), '/api/throughput');
      expect(reply.status).to.equal(200);
      expect(reply.json.intervalMs).to.equal(5000);
      expect(reply.json.samples).to.be.an('array');
    });

    it('answers bad input with 400, unknown things with 404, wrong methods with 405', async () => {
      const badLimit = await apiRequest(port(), '/api/topics/orders/records?limit=501');
      expect(badLimit.status).to.equal(400);
      expect(badLimit.json.error).to.contain('limit must be a whole number from 1 to 500');
      expect((await apiRequest(port(), '/api/topics/orders/records?offset=-1')).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics/orders/records?offset=1&timestamp=2')).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics/orders/records?partition=7')).status).to.equal(404);
      expect((await apiRequest(port(), '/api/topics/bad%20name')).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics/%E0%A4%A')).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics/missing')).status).to.equal(404);
      expect((await apiRequest(port(), '/api/nothing')).status).to.equal(404);
      const put = await apiRequest(port(), '/api/cluster', { method: 'PUT', body: '{}' });
      expect(put.status).to.equal(405);
      expect(put.headers.allow).to.equal('GET, HEAD');
      const huge = await apiRequest(port(), '/api/topics', { method: 'POST', body: Buffer.alloc(100_000, 0x20) });
      expect(huge.status).to.equal(413);
      expect((await apiRequest(port(), '/api/cluster')).status).to.equal(200);
    });

    it('refuses writes with 403 while http.console.write.enable is off', async () => {
      const create = await apiRequest(port(), '/api/topics', { method: 'POST', body: JSON.stringify({ name: 'new-one', partitions: 1 }) });
      expect(create.status).to.equal(403);
      expect(create.json.error).to.contain('http.console.write.enable=true');
      const del = await apiRequest(port(), '/api/topics/orders', { method: 'DELETE' });
      expect(del.status).to.equal(403);
      const admin = new Admin({ bootstrapServers: fixture.native });
      expect(await admin.listTopics()).to.include('orders').and.not.include('new-one');
      await admin.close();
    });
  });

  describe('with http.console.write.enable=true', () => {
    const fixture = useOneBroker({ 'http.listener': 'http://127.0.0.1:0', 'http.console.write.enable': true });
    const port = () => fixture.broker.httpPort;

    it('creates and deletes topics, and rejects bad bodies with 400', async () => {
      expect((await apiRequest(port(), '/api/topics', { method: 'POST', body: '{not json' })).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics', { method: 'POST', body: '[]' })).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics', { method: 'POST', body: '{"name":"x","partitions":0}' })).status).to.equal(400);
      expect((await apiRequest(port(), '/api/topics', { method: 'POST', body: '{"name":"a/b"}' })).status).to.equal(400);
      const created = await apiRequest(port(), '/api/topics', { method: 'POST', body: JSON.stringify({ name: 'made-here', partitions: 3, replicationFactor: 1 }) });
      expect(created.status, created.body).to.equal(201);
      const again = await apiRequest(port(), '/api/topics', { method: 'POST', body: JSON.stringify({ name: 'made-here', partitions: 3 }) });
      expect(again.status).to.equal(409);
      await waitUntil('topic visible', async () => (await apiRequest(port(), '/api/topics/made-here')).status === 200);
      expect((await apiRequest(port(), '/api/topics/made-here')).json.partitionCount).to.equal(3);
      const deleted = await apiRequest(port(), '/api/topics/made-here', { method: 'DELETE' });
      expect(deleted.status, deleted.body).to.equal(200);
      await waitUntil('topic gone', async () => (await apiRequest(port(), '/api/topics/made-here')).status === 404);
    });
  });
});
