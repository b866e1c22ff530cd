import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ApiDispatcher } from '../../../lib/broker/api-dispatcher';
import { buildKafkaDispatcher } from '../../../lib/broker/kafka/kafka-handlers';
import { AnyApiDef, Api } from '../../../lib/protocol/api';
import { isFlexible, responseHeaderVersion } from '../../../lib/protocol/kafka/kafka-api';
import { getLogger } from '../../../lib/util/logger';
import { allKafkaApis, kafkaApiByKey } from '../../../lib/protocol/kafka/kafka-apis';
import { readKafkaHeaderPrefix, readKafkaHeaderRest } from '../../../lib/protocol/kafka/kafka-frame';
import { Reader } from '../../../lib/protocol/reader';
import { Writer } from '../../../lib/protocol/writer';
import { REPO_ROOT } from '../../helpers/cluster';

/**
 * Requests real clients sent to Samsa's Kafka listener and the answers they accepted, recorded
 * by scripts/capture-kafka-fixtures.ts: each must decode with our definitions and re-encode to
 * the very same bytes, so a field we got wrong (name aside) cannot hide.
 */
interface Exchange { apiKey: number; apiVersion: number; request: string; response: string | null }

const dir = path.join(REPO_ROOT, 'test', 'fixtures', 'kafka');

function reencodeRequest(hex: string): string {
  const frame = Buffer.from(hex, 'hex');
  const r = new Reader(frame);
  const prefix = readKafkaHeaderPrefix(r);
  const api = kafkaApiByKey(prefix.apiKey)!;
  const clientId = readKafkaHeaderRest(r, api, prefix.apiVersion);
  const flexible = isFlexible(api, prefix.apiVersion);
  const body = api.request.read(r, prefix.apiVersion, flexible);
  expect(r.remaining, `${api.name} v${prefix.apiVersion} request trailing bytes`).to.equal(0);
  const w = new Writer();
  w.writeInt16(prefix.apiKey).writeInt16(prefix.apiVersion).writeInt32(prefix.correlationId).writeNullableString(clientId);
  if (flexible) w.writeUnsignedVarint(0);
  api.request.write(w, body, prefix.apiVersion, flexible);
  return w.toBuffer().toString('hex');
}

function reencodeResponse(apiKey: number, version: number, hex: string): string {
  const api = kafkaApiByKey(apiKey)!;
  const frame = Buffer.from(hex, 'hex');
  const r = new Reader(frame);
  const correlationId = r.readInt32();
  const headerV1 = responseHeaderVersion(api, version) === 1;
  if (headerV1) expect(r.readUnsignedVarint()).to.equal(0);
  const body = api.response.read(r, version, isFlexible(api, version));
  expect(r.remaining, `${api.name} v${version} response trailing bytes`).to.equal(0);
  const w = new Writer();
  w.writeInt32(correlationId);
  if (headerV1) w.writeUnsignedVarint(0);
  api.response.write(w, body, version, isFlexible(api, version));
  return w.toBuffer().toString('hex');
}

describe('protocol/kafka client fixtures', () => {
  it('has one definition per API key in the Kafka table, and the listener serves exactly that table', () => {
    const keys = allKafkaApis().map((a) => a.key);
    expect(new Set(keys).size).to.equal(keys.length);
    const native = new ApiDispatcher();
    for (const def of Object.values(Api) as AnyApiDef[]) native.register(def, () => null);
    const served = buildKafkaDispatcher(native, getLogger('test'), () => { throw new Error('unused'); }).supported();
    expect(served).to.deep.equal(allKafkaApis().map((a) => ({ apiKey: a.key, minVersion: a.minVersion, maxVersion: a.maxVersion })));
    expect(served.map((s) => `${s.apiKey}:${s.minVersion}-${s.maxVersion}`)).to.include.members([
      '0:3-9', '1:4-12', '2:1-5', '3:1-9', '8:2-8', '9:1-8', '10:0-4', '11:0-9', '12:0-4', '13:0-5', '14:0-5', '15:0-5', '16:0-4',
      '18:0-3', '19:0-7', '20:0-6', '22:0-4', '23:0-4', '29:0-2', '30:0-2', '31:0-2', '32:0-4', '33:0-1', '44:0-1', '37:0-3', '42:0-2', '43:0-2', '45:0-0', '46:0-0', '47:0-0',
      '50:0-0', '51:0-0',
    ]);
  });

  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const { client, exchanges } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { client: string; exchanges: Exchange[] };
    describe(client, () => {
      for (const e of exchanges) {
        const api = kafkaApiByKey(e.apiKey);
        it(`decodes and re-encodes ${api?.name ?? `api ${e.apiKey}`} v${e.apiVersion} byte for byte`, () => {
          expect(api, `api key ${e.apiKey} is defined`).to.not.equal(undefined);
          expect(reencodeRequest(e.request)).to.equal(e.request);
          if (e.response !== null) expect(reencodeResponse(e.apiKey, e.apiVersion, e.response)).to.equal(e.response);
        });
      }
    });
  }
});
