import { expect } from 'chai';
import type { LogDirDescription } from '../../lib/client/admin-log-dirs';
import { userError } from '../../lib/client/client-errors';
import { formatLogDirsJson, LogDirsAdmin, main } from '../../lib/cli/log-dirs';
import { ErrorCode } from '../../lib/protocol/errors';
import { captureIo } from './capture-io';

const DIRS: Map<number, LogDirDescription[]> = new Map([
  [2, [
    { path: '/data/a', error: null, replicas: [
      { topic: 'orders', partition: 0, size: 123, offsetLag: 0, isFuture: false },
      { topic: 'audit', partition: 1, size: 7, offsetLag: 0, isFuture: false },
    ] },
    { path: '/data/b', error: userError(ErrorCode.KAFKA_STORAGE_ERROR, 'disk failed'), replicas: [] },
  ]],
]);

class FakeAdmin implements LogDirsAdmin {
  asked: number[][] = [];
  async connect(): Promise<void> {}
  async describeCluster(): Promise<{ brokers: Array<{ nodeId: number }> }> {
    return { brokers: [{ nodeId: 2 }] };
  }
  async describeLogDirs(brokerIds: number[]): Promise<Map<number, LogDirDescription[]>> {
    this.asked.push(brokerIds);
    return new Map(brokerIds.map((id) => [id, DIRS.get(id) ?? []]));
  }
  async close(): Promise<void> {}
}

describe('cli/log-dirs', () => {
  it('prints Kafka\'s JSON: the failed directory\'s exception class, replicas filtered by --topic-list', () => {
    expect(formatLogDirsJson(DIRS, ['orders'])).to.equal('{"version":1,"brokers":[{"broker":2,"logDirs":['
      + '{"logDir":"/data/a","error":null,"partitions":[{"partition":"orders-0","size":123,"offsetLag":0,"isFuture":false}]},'
      + '{"logDir":"/data/b","error":"org.apache.kafka.common.errors.KafkaStorageException","partitions":[]}]}]}');
    expect(JSON.parse(formatLogDirsJson(DIRS, [])).brokers[0].logDirs[0].partitions).to.have.length(2);
  });

  it('queries every broker of the cluster unless --broker-list names some', async () => {
    const admin = new FakeAdmin();
    const io = captureIo();
    expect(await main(['--bootstrap-server', 'h:1', '--describe'], io, { createAdmin: () => admin })).to.equal(0);
    expect(admin.asked).to.deep.equal([[2]]);
    expect(io.stdoutText().split('\n').slice(0, 2)).to.deep.equal(['Querying brokers for log directories information', 'Received log directory information from brokers 2']);
    const listed = captureIo();
    expect(await main(['--bootstrap-server', 'h:1', '--describe', '--broker-list', '2,5,2'], listed, { createAdmin: () => admin })).to.equal(0);
    expect(admin.asked[1]).to.deep.equal([2, 5]);
    expect(listed.stdoutText()).to.contain('Received log directory information from brokers 2,5\n');
  });

  it('requires --bootstrap-server and --describe, with exit code 1', async () => {
    const io = captureIo();
    expect(await main(['--describe'], io, { createAdmin: () => new FakeAdmin() })).to.equal(1);
    expect(io.stderrText()).to.equal("Error: Missing required option(s): bootstrap-server\nTry 'samsa-log-dirs --help' for more information.\n");
  });
});
