import { expect } from 'chai';
import * as net from 'net';
import { Broker } from '../../lib/broker/broker';
import { Connection } from '../../lib/client/connection';
import { Api } from '../../lib/protocol/api';
import { FrameDecoder } from '../../lib/protocol/frame';
import { isFlexible } from '../../lib/protocol/kafka/kafka-api';
import { allKafkaApis, kafkaApiByKey } from '../../lib/protocol/kafka/kafka-apis';
import { encodeKafkaRequestFrame, readKafkaHeaderPrefix, readKafkaHeaderRest } from '../../lib/protocol/kafka/kafka-frame';
import { KafkaApiVersions } from '../../lib/protocol/kafka/messages/metadata';
import { Reader } from '../../lib/protocol/reader';
import { startBroker } from '../helpers/cluster';
import { kafkaProfile, ServedVersions } from '../helpers/fuzz-wire-profiles';
import { KAFKA_MUTATION_KINDS, KafkaFrameMutator } from '../helpers/kafka-frame-mutator';
import { boundaryVersions, buildKafkaSeedFrames, fixtureRequests } from '../helpers/kafka-fuzz-seeds';
import { runKcat } from '../helpers/kcat';
import { startTestZooKeeper, TestZooKeeper } from '../helpers/zookeeper';

const NAMES = { topic: 'fuzz', group: 'fuzz-group' };

/** Sends one frame on a fresh socket; resolves with what came back after the first answer, a close, or 100 ms of silence. */
function sendOnce(port: number, bytes: Buffer): Promise<{ frames: Buffer[]; closed: boolean }> {
  return new Promise((resolve) => {
    const frames: Buffer[] = [];
    const decoder = new FrameDecoder(64 << 20);
    const sock = net.connect({ port, host: '127.0.0.1' }, () => sock.write(bytes));
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ frames, closed });
    };
    sock.on('data', (d) => {
      frames.push(...decoder.push(d));
      if (frames.length > 0) done(false);
    });
    sock.on('error', () => undefined);
    sock.once('close', () => done(true));
    const timer = setTimeout(() => done(false), 100);
  });
}

/** Decodes a seed's header and body with the Kafka definitions and returns the bytes left over. */
function bytesLeftAfterDecoding(frame: Buffer): number {
  const r = new Reader(frame, 4);
  const { apiKey, apiVersion } = readKafkaHeaderPrefix(r);
  const api = kafkaApiByKey(apiKey)!;
  readKafkaHeaderRest(r, api, apiVersion);
  api.request.read(r, apiVersion, isFlexible(api, apiVersion));
  return r.remaining;
}

describe('integration/kafka-fuzz-requests', function () {
  this.timeout(120000);
  let zk: TestZooKeeper;
  let broker: Broker;
  let port: number;

  before(async () => {
    zk = await startTestZooKeeper();
    broker = await startBroker({ brokerId: 1, zkConnect: zk.connectString, overrides: { listeners: 'PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0' } });
    port = broker.boundPort('KAFKA');
    const conn = new Connection({ host: '127.0.0.1', port: broker.port });
    await conn.send(Api.CreateTopics, { topics: [{ name: 'fuzz', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10000, validateOnly: false });
    conn.close();
  });

  after(async () => {
    await broker?.shutdown();
    await zk?.stop();
  });

  it('has a Kafka fuzz seed for every API in allKafkaApis() at its lowest, first flexible and highest version', () => {
    const seeds = buildKafkaSeedFrames(NAMES).filter((s) => s.source !== 'fixture' && s.source !== 'raw');
    const expected = allKafkaApis().flatMap((api) => boundaryVersions(api).map((v) => `${api.name} v${v}`));
    expect(seeds.map((s) => `${s.name} v${s.apiVersion}`)).to.deep.equal(expected);
    for (const s of seeds) {
      expect(s.bytes.readInt32BE(0), s.name).to.equal(s.bytes.length - 4);
      expect(bytesLeftAfterDecoding(s.bytes), `${s.name} v${s.apiVersion} decodes to its last byte`).to.equal(0);
      if (s.flexible) expect(s.tagVarints.length, `${s.name} v${s.apiVersion} has tagged-field sections to lie about`).to.be.greaterThan(0);
    }
    const produce = seeds.find((s) => s.name === 'Produce')!;
    expect(produce.bytes[produce.blobs[0].at + 16], 'the Produce seed carries a RecordBatch v2').to.equal(2);
  });

  it('re-encodes every recorded client request whose API and version are defined byte for byte', () => {
    const fixtures = fixtureRequests();
    const seeds = buildKafkaSeedFrames(NAMES).slice(0, fixtures.length);
    expect(fixtures.length).to.be.greaterThan(0);
    fixtures.forEach(({ file, payload }, i) => {
      const api = kafkaApiByKey(payload.readInt16BE(0));
      const version = payload.readInt16BE(2);
      if (!api || version < api.minVersion || version > api.maxVersion) {
        expect(seeds[i].source, `${file} #${i}`).to.equal('raw');
        return;
      }
      expect(seeds[i].source, `${file} #${i}`).to.equal('fixture');
      const recorded = Buffer.from(payload);
      recorded.writeInt32BE(0, 4);
      expect(seeds[i].bytes.subarray(4).toString('hex'), `${file} #${i} (${api.name} v${version})`).to.equal(recorded.toString('hex'));
    });
  });

  it('survives 250 mutated Kafka requests, answering only with well-formed responses, and keeps serving', async () => {
    // The same generator as `npm run fuzz` (bench/fuzz.ts), on a fixed seed and a much shorter run.
    const versions = await sendOnce(port, Buffer.concat(encodeKafkaRequestFrame(KafkaApiVersions, { apiKey: 18, apiVersion: 0, correlationId: 1, clientId: 'fuzz' }, {})));
    const table = KafkaApiVersions.response.read(new Reader(versions.frames[0], 4), 0, false);
    const served: ServedVersions = new Map(table.apiKeys.map((k) => [k.apiKey, { min: k.minVersion, max: k.maxVersion }]));
    const profile = kafkaProfile(served);
    const mutator = new KafkaFrameMutator(buildKafkaSeedFrames(NAMES), 42);
    const kinds = new Set<string>();
    const malformed: string[] = [];
    let answered = 0;
    let closed = 0;
    for (let i = 0; i < 250; i++) {
      const frame = mutator.next();
      kinds.add(frame.kind);
      const outcome = await sendOnce(port, frame.bytes);
      if (outcome.frames.length > 0) answered++;
      else if (outcome.closed) closed++;
      if (outcome.frames.length > 1) malformed.push(`${frame.kind}: ${outcome.frames.length} answers to one request`);
      for (const f of outcome.frames.slice(0, 1)) {
        const verdict = profile.check(f, profile.expect(frame.bytes));
        if (typeof verdict === 'object') malformed.push(`${frame.kind} ${frame.bytes.toString('hex')}: ${verdict.malformed}`);
      }
    }
    expect(kinds.size, 'every kind of mutation was tried').to.equal(KAFKA_MUTATION_KINDS.length);
    expect(malformed).to.deep.equal([]);
    expect(answered, 'answered').to.be.greaterThan(50);
    expect(closed, 'closed by the broker').to.be.greaterThan(50);
    const listed = await runKcat(['-b', `127.0.0.1:${port}`, '-L']);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain('broker 1 at');
    const produced = await runKcat(['-b', `127.0.0.1:${port}`, '-P', '-t', 'after-fuzz'], { input: 'still here\n' });
    expect(produced.code, produced.stderr).to.equal(0);
    const read = await runKcat(['-b', `127.0.0.1:${port}`, '-C', '-t', 'after-fuzz', '-e', '-q']);
    expect(read.stdout).to.contain('still here');
  });
});
