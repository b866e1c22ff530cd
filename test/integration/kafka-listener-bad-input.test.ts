import { expect } from 'chai';
import * as net from 'net';
import { encodeKafkaRequestFrame } from '../../lib/protocol/kafka/kafka-frame';
import { KafkaApiVersions, KafkaMetadata } from '../../lib/protocol/kafka/messages/metadata';
import { KafkaProduce } from '../../lib/protocol/kafka/messages/produce-fetch';
import { FrameDecoder } from '../../lib/protocol/frame';
import { Reader } from '../../lib/protocol/reader';
import { encodeRecordBatch } from '../../lib/record/record-batch';
import { runKcat } from '../helpers/kcat';
import { useOneBroker } from '../helpers/one-broker';

interface Outcome { frames: Buffer[]; closed: boolean }

/** Sends `bytes` and then an ApiVersions v0 probe; resolves when the probe is answered or the broker closes. */
function exchange(port: number, bytes: Buffer, waitMs = 3000): Promise<Outcome> {
  const probe = Buffer.concat(encodeKafkaRequestFrame(KafkaApiVersions, { apiKey: 18, apiVersion: 0, correlationId: 0x7eadbeef, clientId: 'probe' }, {}));
  return new Promise((resolve) => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder(64 << 20);
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write(Buffer.concat([bytes, probe])));
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ frames, closed });
    };
    sock.on('data', (d) => {
      frames.push(...decoder.push(d));
      if (frames.some((f) => f.length >= 4 && f.readInt32BE(0) === 0x7eadbeef)) done(false);
    });
    sock.on('error', () => undefined);
    sock.on('close', () => done(true));
    const timer = setTimeout(() => done(false), waitMs);
  });
}

function answeredProbe(o: Outcome): boolean {
  return o.frames.some((f) => f.readInt32BE(0) === 0x7eadbeef);
}

/** Kafka's rule on its listener: what cannot be served closes the connection; nothing else is affected. */
describe('integration/kafka-listener-bad-input', function () {
  this.timeout(120000);
  const cluster = useOneBroker({ 'socket.request.max.bytes': 1 << 20 });
  let port: number;

  before(() => {
    port = cluster.broker.boundPort('KAFKA');
  });

  async function stillServes(): Promise<void> {
    const listed = await runKcat(['-b', `127.0.0.1:${port}`, '-L']);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain('broker 1 at');
  }

  it('closes the connection on truncated frames, unknown API keys, unserved versions and oversized frames', async () => {
    const metadata = Buffer.concat(encodeKafkaRequestFrame(KafkaMetadata, { apiKey: 3, apiVersion: 9, correlationId: 1, clientId: 'c' },
      { topics: [{ name: 'abc' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: false, includeTopicAuthorizedOperations: false }));
    const truncated = Buffer.concat([Buffer.from([0, 0, 0, metadata.length - 4 - 3]), metadata.subarray(4, metadata.length - 3)]);
    truncated.writeInt32BE(metadata.length - 7, 0);
    const unknownKey = Buffer.from('0000000c' + '03e7' + '0000' + '00000002' + '0001' + '63', 'hex');
    unknownKey.writeInt32BE(unknownKey.length - 4, 0);
    const unservedVersion = Buffer.from(metadata);
    unservedVersion.writeInt16BE(12, 6);
    const oversized = Buffer.from('7fffffff' + '0003' + '0009' + '00000004', 'hex');
    for (const [what, bytes] of [['truncated', truncated], ['unknown key', unknownKey], ['Metadata v12', unservedVersion], ['oversized', oversized]] as const) {
      const outcome = await exchange(port, bytes);
      expect(outcome.closed, what).to.equal(true);
      expect(answeredProbe(outcome), what).to.equal(false);
    }
    await stillServes();
  });

  it('answers ApiVersions newer than served at v0 with UNSUPPORTED_VERSION and the table, and keeps the connection (KIP-511)', async () => {
    const tooNew = Buffer.concat(encodeKafkaRequestFrame(KafkaApiVersions, { apiKey: 18, apiVersion: 3, correlationId: 5, clientId: 'c' },
      { clientSoftwareName: 'x', clientSoftwareVersion: '1' }));
    tooNew.writeInt16BE(9, 6);
    const outcome = await exchange(port, tooNew);
    expect(outcome.closed).to.equal(false);
    expect(answeredProbe(outcome)).to.equal(true);
    const answer = new Reader(outcome.frames[0]);
    expect(answer.readInt32()).to.equal(5);
    const body = KafkaApiVersions.response.read(answer, 0, false);
    expect(body.errorCode).to.equal(35);
    expect(body.apiKeys.find((k) => k.apiKey === 18)).to.deep.equal({ apiKey: 18, minVersion: 0, maxVersion: 3 });
  });

  it('refuses old message formats per partition with UNSUPPORTED_VERSION and keeps serving', async () => {
    const batch = encodeRecordBatch([{ key: null, value: Buffer.from('old'), headers: [], timestamp: Date.now() }]);
    const legacy = Buffer.from(batch);
    legacy.writeInt8(1, 16);
    const produce = Buffer.concat(encodeKafkaRequestFrame(KafkaProduce, { apiKey: 0, apiVersion: 7, correlationId: 9, clientId: 'old-client' }, {
      transactionalId: null, acks: 1, timeoutMs: 5000,
      topics: [{ name: 'legacy', partitions: [{ index: 0, records: legacy }] }],
    }));
    const outcome = await exchange(port, produce);
    expect(outcome.closed).to.equal(false);
    const r = new Reader(outcome.frames[0]);
    expect(r.readInt32()).to.equal(9);
    const body = KafkaProduce.response.read(r, 7, false);
    expect(body.topics[0].partitions[0].errorCode).to.equal(35);
    await stillServes();
  });
});
