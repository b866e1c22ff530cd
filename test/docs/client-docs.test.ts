/**
 * Keeps docs/client.md honest: its examples are test/docs/client-examples.ts's regions verbatim
 * and run here against a real broker; every name lib/index.ts (and lib/testing/index.ts) exports
 * is documented; the option defaults and the error table's codes are the code's own.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { CLIENT_DEFAULTS } from '../../lib/client/client-options';
import { CONSUMER_DEFAULTS } from '../../lib/client/consumer-options';
import { PRODUCER_DEFAULTS } from '../../lib/client/producer-options';
import * as samsa from '../../lib/index';
import { useOneBroker } from '../helpers/one-broker';
import { ONE_BROKER_TRANSACTIONS, readToEnd } from '../helpers/transactions';
import * as examples from './client-examples';

const ROOT = path.join(__dirname, '..', '..', '..');
const doc = (): string => readFileSync(path.join(ROOT, 'docs', 'client.md'), 'utf8');

/** `// #region name` ... `// #endregion` bodies of the examples' source, dedented. */
function regions(): Map<string, string> {
  const source = readFileSync(path.join(ROOT, 'test', 'docs', 'client-examples.ts'), 'utf8');
  const out = new Map<string, string>();
  for (const m of source.matchAll(/\/\/ #region ([\w-]+)\n([\s\S]*?)\n\s*\/\/ #endregion/g)) {
    const lines = m[2].split('\n');
    const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length));
    out.set(m[1], lines.map((l) => l.slice(indent)).join('\n'));
  }
  return out;
}

/** Every name an entry point exports, types included (they vanish from the compiled module). */
function exportedNames(entry: string): string[] {
  const source = readFileSync(path.join(ROOT, entry), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/export (?:type )?\{([^}]*)\}/g)) {
    for (const n of m[1].split(',').map((s) => s.trim()).filter((s) => s !== '')) names.add(n.split(/\s+as\s+/).pop() as string);
  }
  return [...names];
}

describe('docs/client.md', function () {
  this.timeout(60000);

  it('contains every example region verbatim', () => {
    const all = regions();
    expect(all.size).to.be.at.least(10);
    const text = doc();
    for (const [name, body] of all) expect(text.includes(body), `region ${name} is not in docs/client.md as written`).to.equal(true);
  });

  it('documents every name lib/index.ts exports', () => {
    const names = exportedNames('lib/index.ts');
    expect(names).to.include.members(['Producer', 'Consumer', 'Admin', 'SamsaError', 'ClientOptions']);
    // The runtime exports are a subset of the parsed list, so the parser cannot silently miss any.
    expect(names).to.include.members(Object.keys(samsa));
    const text = doc();
    const missing = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(text));
    expect(missing, 'exported but not in docs/client.md').to.deep.equal([]);
  });

  it('documents every name samsa/testing exports, where lib/testing is present', () => {
    const entry = path.join('lib', 'testing', 'index.ts');
    const names = existsSync(path.join(ROOT, entry)) ? exportedNames(entry) : [];
    const text = doc();
    const missing = names.filter((n) => !new RegExp(`\\b${n}\\b`).test(text));
    expect(missing, 'exported by samsa/testing but not in docs/client.md').to.deep.equal([]);
  });

  it('gives each error in the Errors table the code and retriable flag lib/protocol/errors.ts defines', () => {
    const text = doc();
    const section = text.slice(text.indexOf('\n## Errors'), text.indexOf('\n## Security'));
    const rows = [...section.matchAll(/^\| ([^|]*) \| (yes|no) \|/gm)];
    expect(rows.length).to.be.at.least(10);
    for (const [, names, retriable] of rows) {
      const pairs = [...names.matchAll(/`([A-Z_]+)` \((-?\d+)\)/g)];
      expect(pairs, names).to.not.be.empty;
      for (const [, name, code] of pairs) {
        const definition = samsa.ErrorCode[name as samsa.ErrorName];
        expect(definition, name).to.not.equal(undefined);
        expect(definition.code, name).to.equal(Number(code));
        expect(definition.retriable, name).to.equal(retriable === 'yes');
      }
    }
  });

  it('states every option default as the code resolves it', () => {
    const text = doc();
    const shown = (v: unknown): string => (Array.isArray(v) ? `[${v.map((x) => `'${String(x)}'`).join(', ')}]` : typeof v === 'string' ? `'${v}'` : `\`${String(v)}\``);
    const { retryBackoffMaxMs, ...clientDefaults } = CLIENT_DEFAULTS;
    expect(text).to.include(`\`retry.backoff.max.ms\` (\`${retryBackoffMaxMs}\``);
    for (const [option, value] of Object.entries({ ...clientDefaults, ...PRODUCER_DEFAULTS, ...CONSUMER_DEFAULTS })) {
      const row = text.split('\n').find((line) => line.startsWith(`| \`${option}\` |`));
      expect(row, `no table row for ${option}`).to.be.a('string');
      const defaultCell = (row as string).split(' | ')[2];
      expect(defaultCell, option).to.include(shown(value));
    }
  });

  describe('examples against one broker', () => {
    // ACLs need an authorizer; the examples' anonymous client is a super user.
    const fixture = useOneBroker({ 'authorizer.class.name': 'kafka.security.authorizer.AclAuthorizer', 'super.users': 'User:ANONYMOUS', ...ONE_BROKER_TRANSACTIONS });
    let admin: samsa.Admin;
    let producer: samsa.Producer;

    after(async () => {
      await admin?.close();
      await producer?.close();
    });

    it('admin: creates, grows and describes the topic', async () => {
      admin = await examples.adminTopicsExample(fixture.native);
      const [orders] = await admin.describeTopics(['orders']);
      expect(orders.partitions).to.have.length(4);
      expect(orders.configs['retention.ms']).to.equal('604800000');
    });

    it('producer: sends awaited, batched and with a callback', async () => {
      producer = await examples.producerExample(fixture.native);
      expect(examples.printed.some((p) => String(p[0]).startsWith('written to orders-'))).to.equal(true);
      expect(examples.printed.some((p) => p[0] === 'audit record at' && typeof p[1] === 'number')).to.equal(true);
      expect(producer.metrics()['record-send-total']).to.equal(102);
    });

    it('consumer group: polls, commits and closes', async () => {
      const seen = await examples.consumerGroupExample(fixture.native, 102);
      expect(seen).to.include.members(['order 0', 'order 99', 'audit']);
      const offsets = await admin.listConsumerGroupOffsets('billing');
      expect(offsets.reduce((sum, o) => sum + o.offset, 0)).to.equal(102);
    });

    it('transactions: a consume-transform-produce loop commits output and input offsets together', async () => {
      await admin.createTopic({ topic: 'orders-enriched', numPartitions: 2, replicationFactor: 1 });
      expect(await examples.transactionsExample(fixture.native, 102)).to.equal(102);
      const enriched = await readToEnd(fixture.native, 'orders-enriched', 2, 'read_committed');
      expect(enriched).to.have.length(102);
      expect(enriched.every((r) => r.value!.toString().startsWith('enriched '))).to.equal(true);
      const offsets = await admin.listConsumerGroupOffsets('enricher');
      expect(offsets.reduce((sum, o) => sum + o.offset, 0)).to.equal(102);
    });

    it('manual assignment: offsetsForTimes, pause/resume, seek and position', async () => {
      const { position, paused } = await examples.manualAssignmentExample(fixture.native);
      expect(paused).to.deep.equal([{ topic: 'orders', partition: 0 }]);
      expect(position).to.equal(0);
    });

    it('async iteration stops at the audit record', async () => {
      expect(await examples.asyncIteratorExample(fixture.native, 1000)).to.be.within(1, 102);
    });

    it('admin: configs', async () => {
      expect(await examples.adminConfigsExample(admin)).to.equal('86400000');
    });

    it('admin: consumer groups', async () => {
      expect(await examples.adminGroupsExample(admin)).to.include('billing');
      expect((await admin.describeConsumerGroups(['billing']))[0].state).to.equal('Dead');
    });

    it('admin: delete records and log dirs', async () => {
      const [p0] = (await admin.describeTopics(['orders']))[0].partitions.filter((p) => p.partition === 0);
      expect(p0.leader).to.equal(1);
      const end = await admin.listOffsets('orders', 0, 'latest');
      if (end < 10) await Promise.all(Array.from({ length: 10 }, () => producer.send({ topic: 'orders', partition: 0, value: 'x' })));
      expect(await examples.adminRecordsExample(admin)).to.equal(10);
    });

    it('admin: quotas and ACLs', async () => {
      expect(await examples.adminQuotasAndAclsExample(admin)).to.equal(1);
      expect(await admin.describeAcls(ANY)).to.deep.equal([]);
    });

    it('metrics: snapshot and prom-client registry', async () => {
      const { sent, exposition } = await examples.metricsExample(fixture.native);
      expect(sent).to.equal(1);
      expect(exposition).to.match(/samsa_client_producer_record_send_total\{client_id="metered"\} 1/);
    });

    it('extensions: typed records, an interceptor, a partitioner, and a skipped unreadable record', async () => {
      await admin.createTopic({ topic: 'payments', numPartitions: 1, replicationFactor: 1 });
      await producer.send({ topic: 'payments', partition: 0, value: 'not json' });
      await examples.extensionsExample(fixture.native);
      expect(examples.printed).to.deep.include(['skipping unreadable record at offset', 0]);
      expect(examples.printed).to.deep.include(['customer-42 paid 9.5']);
    });

    it('error handling', async () => {
      const outcomes = await examples.errorHandlingExample(admin, producer);
      expect(outcomes).to.deep.equal([
        'exists already', 'closed: the producer is closed', 'transient NOT_LEADER_FOR_PARTITION: retry later', 'no access to payroll',
      ]);
    });

    it('security options type-check (not run: no certificates here)', () => {
      expect(examples.securityExample).to.be.a('function');
    });
  });
});

const ANY = samsa.ANY_ACL_FILTER;
