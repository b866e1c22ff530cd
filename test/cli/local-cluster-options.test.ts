import { expect } from 'chai';
import * as path from 'path';
import {
  brokerProperties, computeLayout, DEFAULT_BASE_PORTS, layoutPorts, portConflict, zookeeperConnect, zookeeperProperties,
} from '../../lib/cli/local-cluster-layout';
import { defaultClusterDir, parseLocalClusterArgs } from '../../lib/cli/local-cluster-options';
import { captureIo } from './capture-io';

/** samsa-local-cluster's pure parts: the layout and configs it generates, and the command line. */
describe('cli/local-cluster-options', () => {
  const layoutOf = (zookeepers: number, brokers: number) => computeLayout({ dir: '/x/c', zookeepers, brokers, ports: { ...DEFAULT_BASE_PORTS } });

  it('lays out a 3+3 cluster on consecutive well-known ports', () => {
    const layout = layoutOf(3, 3);
    expect(layout.zookeepers.map((z) => [z.id, z.clientPort, z.peerPort, z.electionPort]))
      .to.deep.equal([[1, 2181, 2888, 3888], [2, 2182, 2889, 3889], [3, 2183, 2890, 3890]]);
    expect(layout.brokers.map((b) => [b.id, b.port, b.kafkaPort, b.httpPort]))
      .to.deep.equal([[1, 9092, 19092, 8081], [2, 9093, 19093, 8082], [3, 9094, 19094, 8083]]);
    expect(layout.zookeepers[1].dataDir).to.equal(path.join('/x/c', 'zookeeper-2', 'data'));
    expect(layout.brokers[2].configFile).to.equal(path.join('/x/c', 'broker-3', 'server.properties'));
    expect(zookeeperConnect(layout)).to.equal('127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183');
    expect(layoutPorts(layout)).to.have.length(9 + 9);
    expect(portConflict(layout)).to.equal(null);
  });

  it('writes an ensemble config with one server line per member and srvr/ruok allowed', () => {
    const props = zookeeperProperties(layoutOf(3, 1));
    expect(props['server.1']).to.equal('127.0.0.1:2888:3888');
    expect(props['server.3']).to.equal('127.0.0.1:2890:3890');
    expect(props['4lw.commands.whitelist']).to.equal('srvr,ruok');
    expect(props.clientPortAddress).to.equal('127.0.0.1');
    // A single server runs standalone: no server lines, no peer ports to bind.
    const single = layoutOf(1, 1);
    expect(Object.keys(zookeeperProperties(single)).filter((k) => k.startsWith('server.'))).to.deep.equal([]);
    expect(layoutPorts(single).map((p) => p.port)).to.deep.equal([2181, 9092, 19092, 8081]);
  });

  it('sizes replication to the number of brokers and names the whole ensemble', () => {
    for (const [brokers, rf, minIsr] of [[1, '1', '1'], [2, '2', '1'], [3, '3', '2'], [5, '3', '2']] as const) {
      const layout = layoutOf(3, brokers);
      const props = brokerProperties(layout, layout.brokers[0]);
      expect(props['offsets.topic.replication.factor'], `${brokers} brokers`).to.equal(rf);
      expect(props['default.replication.factor'], `${brokers} brokers`).to.equal(rf);
      expect(props['min.insync.replicas'], `${brokers} brokers`).to.equal(minIsr);
    }
    const layout = layoutOf(3, 3);
    const second = brokerProperties(layout, layout.brokers[1], { 'num.partitions': '6' });
    expect(second).to.include({
      'broker.id': '2',
      listeners: 'PLAINTEXT://127.0.0.1:9093,KAFKA://127.0.0.1:19093',
      'http.listener': 'http://127.0.0.1:8082',
      'zookeeper.connect': '127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183',
      'log.dirs': path.join('/x/c', 'broker-2', 'data'),
      'num.partitions': '6',
    });
  });

  it('finds ports that collide or run past 65535', () => {
    const clash = computeLayout({ dir: '/x', zookeepers: 1, brokers: 3, ports: { ...DEFAULT_BASE_PORTS, kafka: 9093 } });
    expect(portConflict(clash)).to.match(/broker 1 Kafka listener and broker 2 native listener would both use port 9093/);
    const high = computeLayout({ dir: '/x', zookeepers: 1, brokers: 3, ports: { ...DEFAULT_BASE_PORTS, http: 65534 } });
    expect(portConflict(high)).to.match(/broker 3 HTTP listener would be port 65536.*--http-port/);
  });

  describe('command line', () => {
    function parse(...argv: string[]) {
      const io = captureIo();
      const result = parseLocalClusterArgs(argv, io);
      return { result, err: io.stderrText(), out: io.stdoutText() };
    }

    it('defaults to 3 ZooKeepers, 3 brokers and a directory under the temp dir', () => {
      const { result } = parse('start');
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      expect(result.options).to.include({ command: 'start', zookeepers: 3, brokers: 3, dir: defaultClusterDir(), deleteData: false, startTimeoutMs: 120000 });
      expect(result.options.ports).to.deep.equal(DEFAULT_BASE_PORTS);
    });

    it('reads counts, ports, overrides and --dir', () => {
      const { result } = parse('start', '--brokers', '5', '--zookeepers', '1', '--dir', 'rel/c', '--broker-port', '30000',
        '--override', 'num.partitions=4', '--override', 'log.level=debug', '--timeout', '30');
      expect(result.ok).to.equal(true);
      if (!result.ok) return;
      expect(result.options).to.include({ brokers: 5, zookeepers: 1, dir: path.resolve('rel/c'), startTimeoutMs: 30000 });
      expect(result.options.ports.broker).to.equal(30000);
      expect(result.options.overrides).to.deep.equal({ 'num.partitions': '4', 'log.level': 'debug' });
      const stop = parse('stop', '--delete-data');
      expect(stop.result.ok && stop.result.options.deleteData).to.equal(true);
    });

    for (const [argv, message] of [
      [['restart'], /Unknown command 'restart'/],
      [['start', '--brokers', '0'], /--brokers.*Must be at least 1/],
      [['start', '--brokers', 'three'], /Not an integer/],
      [['start', '--zookeepers', '10'], /Must be at most 9/],
      [['start', '--broker-port', '70000'], /Must be at most 65535/],
      [['start', '--kafka-port', '9093'], /would both use port 9093/],
      [['start', '--override', 'broker.id=7'], /--override cannot set broker.id/],
      [['start', '--override', 'novalue'], /novalue/],
      [['status', '--brokers', '2'], /--brokers applies only to start, not status/],
      [['stop', '--zookeepers', '1', '--http-port', '1'], /--zookeepers, --http-port apply only to start, not stop/],
      [['start', '--delete-data'], /--delete-data applies only to stop, not start/],
      [['start', 'stop'], /too many arguments/],
      [['start', '--brokrs', '3'], /unknown option '--brokrs'[\s\S]*Did you mean --brokers/],
      [['start', '--dir', ''], /--dir must not be empty/],
    ] as Array<[string[], RegExp]>) {
      it(`refuses ${argv.join(' ')}`, () => {
        const { result, err } = parse(...argv);
        expect(result).to.deep.equal({ ok: false, exitCode: 1 });
        expect(err).to.match(message);
        expect(err).to.include("Try 'samsa-local-cluster --help'");
      });
    }

    it('prints usage with the exit codes on --help and exits 0', () => {
      const { result, out } = parse('--help');
      expect(result).to.deep.equal({ ok: false, exitCode: 0 });
      expect(out).to.include('start|stop|status').and.include('--zookeeper-port').and.include('Exit codes');
    });
  });
});
