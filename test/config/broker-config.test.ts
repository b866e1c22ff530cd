import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { build, rejection } from './broker-config-helpers';
import { brokerConfigDefs } from '../../lib/config/broker-config-defs';
import { buildBrokerConfig, describeBrokerConfig, loadBrokerConfig } from '../../lib/config/broker-config';
import { ConfigError } from '../../lib/config/config-error';
import { ConfigDefs } from '../../lib/config/config-def';

describe('config/broker-config', () => {
  it("uses Kafka's defaults when only the required keys are set", () => {
    const { config, unknownKeys } = build();
    expect(unknownKeys).to.deep.equal([]);
    expect(config).to.include({
      brokerId: 1, zookeeperConnect: 'localhost:2181', zookeeperSessionTimeoutMs: 18000, zookeeperConnectionTimeoutMs: 18000,
      numPartitions: 1, defaultReplicationFactor: 1, autoCreateTopicsEnable: true, deleteTopicEnable: true,
      segmentBytes: 1073741824, indexIntervalBytes: 4096, indexSizeMaxBytes: 10485760, segmentMs: 168 * 3600000,
      flushIntervalMessages: Number.MAX_SAFE_INTEGER, flushIntervalMs: null, retentionMs: 168 * 3600000, retentionBytes: -1,
      retentionCheckIntervalMs: 300000, socketRequestMaxBytes: 104857600, messageMaxBytes: 1048588, logLevel: 'info',
      replicaLagTimeMaxMs: 30000, minInsyncReplicas: 1, uncleanLeaderElectionEnable: false, offsetsTopicNumPartitions: 50,
      offsetsTopicReplicationFactor: 3, groupInitialRebalanceDelayMs: 3000, groupMinSessionTimeoutMs: 6000,
      groupMaxSessionTimeoutMs: 1800000, controlledShutdownEnable: true, autoLeaderRebalanceEnable: true,
      leaderImbalancePerBrokerPercentage: 10, leaderImbalanceCheckIntervalSeconds: 300, fetchMaxBytes: 57671680,
      replicaFetchMaxBytes: 1048576, replicaFetchWaitMaxMs: 500, queuedMaxRequests: 500, requestTimeoutMs: 30000,
      brokerRack: null, cleanupPolicy: 'delete', interBrokerListenerName: 'PLAINTEXT',
    });
    expect(config.logDirs).to.deep.equal(['/tmp/samsa-logs']);
    expect(config.logsDir).to.equal(path.resolve('logs'));
    expect(config.listeners).to.deep.equal([{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT', wireProtocol: 'samsa' }]);
  });

  it('requires broker.id, naming the key', () => {
    expect(() => buildBrokerConfig({ 'zookeeper.connect': 'localhost:2181' }))
      .to.throw(ConfigError, 'Missing required configuration "broker.id" which has no default value.');
  });

  it('rejects a negative broker.id', () => {
    expect(rejection({ 'broker.id': '-1' }).message).to.equal('Invalid value -1 for configuration broker.id: Value must be at least 0');
  });

  it('requires zookeeper.connect and checks its shape', () => {
    expect(() => buildBrokerConfig({ 'broker.id': '1' })).to.throw(ConfigError, '"zookeeper.connect"');
    expect(rejection({ 'zookeeper.connect': 'zk:notaport' }).message).to.match(/^Invalid value zk:notaport for configuration zookeeper\.connect: /);
    expect(rejection({ 'zookeeper.connect': 'zk:2181/bad/' }).key).to.equal('zookeeper.connect');
  });

  it('parses a chroot out of zookeeper.connect but keeps the connect string whole', () => {
    const { config } = build({ 'zookeeper.connect': 'a:2181,b:2182/samsa' });
    expect(config.zookeeperConnect).to.equal('a:2181,b:2182/samsa');
    expect(config.zookeeper.chroot).to.equal('/samsa');
    expect(config.zookeeper.servers).to.have.length(2);
  });

  it('rejects listener ports out of range or not numeric, naming listeners', () => {
    expect(rejection({ listeners: 'PLAINTEXT://localhost:70000' }).message)
      .to.equal('Invalid value PLAINTEXT://localhost:70000 for configuration listeners: Port 70000 is out of range 0-65535 in listener \'PLAINTEXT://localhost:70000\'');
    expect(rejection({ listeners: 'PLAINTEXT://localhost:abc' }).key).to.equal('listeners');
    expect(rejection({ listeners: 'abc' }).message).to.contain('for configuration listeners');
    expect(rejection({ listeners: '' }).key).to.equal('listeners');
  });

  it('rejects listeners mapped to a security protocol Kafka does not have', () => {
    expect(rejection({ listeners: 'X://:9093', 'listener.security.protocol.map': 'X:TLS' }).message).to.contain('Listener X uses unknown security protocol TLS');
  });

  it('lets a protocol map name a PLAINTEXT listener and use it between brokers', () => {
    const { config } = build({
      listeners: 'CLIENT://localhost:9092',
      'listener.security.protocol.map': 'CLIENT:PLAINTEXT',
      'inter.broker.listener.name': 'client',
    });
    expect(config.listeners.map((l) => l.name)).to.deep.equal(['CLIENT']);
    expect(config.interBrokerListenerName).to.equal('CLIENT');
  });

  it('refuses security settings it cannot honour, naming the key', () => {
    for (const [key, value] of [
      ['sasl.server.callback.handler.class', 'com.example.Handler'],
      ['listener.name.sasl_ssl.plain.sasl.server.callback.handler.class', 'com.example.Handler'],
    ]) {
      const err = rejection({ [key]: value });
      expect(err.key, key).to.equal(key);
      expect(err.message).to.contain(key).and.to.contain('does not implement');
    }
  });

  it('takes the authorizer keys: Kafka\'s class names and the samsa alias, super.users, allow.everyone.if.no.acl.found, the audit level', () => {
    expect(build({}).config).to.include({ authorizer: null, allowEveryoneIfNoAclFound: false, authorizerAuditLogLevel: 'info' });
    for (const name of ['kafka.security.authorizer.AclAuthorizer', 'kafka.security.auth.SimpleAclAuthorizer', 'samsa']) {
      expect(build({ 'authorizer.class.name': name }).config.authorizer, name).to.equal('acl');
    }
    const { config } = build({
      'authorizer.class.name': 'samsa', 'super.users': 'User:admin; User:bob;', 'allow.everyone.if.no.acl.found': 'true', 'authorizer.audit.log.level': 'WARN',
    });
    expect(config.superUsers).to.deep.equal(['User:admin', 'User:bob']);
    expect(config).to.include({ allowEveryoneIfNoAclFound: true, authorizerAuditLogLevel: 'warn' });
  });

  it('refuses an authorizer class it does not have, a malformed super user and an unknown audit level, naming the key', () => {
    for (const [key, value] of [
      ['authorizer.class.name', 'org.apache.ranger.authorization.kafka.authorizer.RangerKafkaAuthorizer'],
      ['super.users', 'admin'],
      ['authorizer.audit.log.level', 'loud'],
    ]) {
      const err = rejection({ [key]: value });
      expect(err.key, key).to.equal(key);
      expect(err.message).to.contain(key);
    }
  });

  it("accepts security keys that ask for nothing: an empty authorizer, PLAINTEXT between brokers", () => {
    const { config } = build({ 'authorizer.class.name': '', 'security.inter.broker.protocol': 'PLAINTEXT', 'ssl.keystore.location': ' ' });
    expect(config.brokerId).to.equal(1);
  });

  it('advertises the listeners, with an empty host replaced by the hostname', () => {
    const { config } = build({ listeners: 'PLAINTEXT://:9092' });
    expect(config.advertisedListeners).to.deep.equal([{ name: 'PLAINTEXT', host: os.hostname(), port: 9092, securityProtocol: 'PLAINTEXT', wireProtocol: 'samsa' }]);
  });

  it('advertises localhost as given', () => {
    const { config } = build({ listeners: 'PLAINTEXT://localhost:0' });
    expect(config.advertisedListeners[0]).to.include({ host: 'localhost', port: 0 });
  });

  it('uses advertised.listeners when set and checks its names against listeners', () => {
    const { config } = build({ listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'PLAINTEXT://broker1.example:19092' });
    expect(config.advertisedListeners[0]).to.include({ host: 'broker1.example', port: 19092 });
    const err = rejection({ listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'INTERNAL://h:1', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT' });
    expect(err.key).to.equal('advertised.listeners');
  });

  it('refuses to advertise 0.0.0.0', () => {
    expect(rejection({ listeners: 'PLAINTEXT://0.0.0.0:9092' }).message).to.contain('nonroutable meta-address 0.0.0.0');
  });

  it('rejects an inter-broker listener that is not advertised', () => {
    expect(rejection({ 'inter.broker.listener.name': 'OTHER' }).key).to.equal('inter.broker.listener.name');
  });

  it('takes log.dirs over log.dir and resolves relative paths against the working directory', () => {
    expect(build({ 'log.dir': '/x', 'log.dirs': 'data/a, /b' }).config.logDirs).to.deep.equal([path.resolve('data/a'), '/b']);
    expect(build({ 'log.dir': 'single' }).config.logDirs).to.deep.equal([path.resolve('single')]);
    expect(rejection({ 'log.dirs': '/a,/a' }).key).to.equal('log.dirs');
  });

  it('reads logs.dir and its log.dir.logs alias for server.log', () => {
    expect(build({ 'log.dir.logs': '/var/log/samsa' }).config.logsDir).to.equal('/var/log/samsa');
    expect(build({ 'logs.dir': '/a', 'log.dir.logs': '/b' }).config.logsDir).to.equal('/a');
  });

  it('resolves retention with ms over minutes over hours, negative meaning forever', () => {
    expect(build({ 'log.retention.hours': '1' }).config.retentionMs).to.equal(3600000);
    expect(build({ 'log.retention.hours': '1', 'log.retention.minutes': '2' }).config.retentionMs).to.equal(120000);
    expect(build({ 'log.retention.minutes': '2', 'log.retention.ms': '5' }).config.retentionMs).to.equal(5);
    expect(build({ 'log.retention.ms': '-7' }).config.retentionMs).to.equal(-1);
  });

  it('resolves log.roll.ms over log.roll.hours and the ZooKeeper connection timeout from the session timeout', () => {
    expect(build({ 'log.roll.hours': '2' }).config.segmentMs).to.equal(7200000);
    expect(build({ 'log.roll.hours': '2', 'log.roll.ms': '1000' }).config.segmentMs).to.equal(1000);
    expect(build({ 'zookeeper.session.timeout.ms': '6000' }).config.zookeeperConnectionTimeoutMs).to.equal(6000);
    expect(build({ 'zookeeper.connection.timeout.ms': '100' }).config.zookeeperConnectionTimeoutMs).to.equal(100);
  });

  it('accepts Long.MAX_VALUE for log.flush.interval.messages', () => {
    expect(build({ 'log.flush.interval.messages': '9223372036854775807' }).config.flushIntervalMessages).to.equal(Number.MAX_SAFE_INTEGER);
  });

  it('collects unknown keys and reports ignored Kafka keys', () => {
    const { unknownKeys, ignoredKeys } = build({ 'log.segmnt.bytes': '5', 'num.io.threads': '8', 'num.network.threads': '3' });
    expect(unknownKeys).to.deep.equal(['log.segmnt.bytes']);
    expect(ignoredKeys).to.deep.equal(['num.io.threads', 'num.network.threads']);
  });

  it('rejects a group max session timeout below the min', () => {
    expect(rejection({ 'group.max.session.timeout.ms': '1000' }).key).to.equal('group.max.session.timeout.ms');
  });

  it('rejects a value below the minimum for every bounded numeric key, naming the key', () => {
    const bounded = Object.entries(brokerConfigDefs).filter(([, key]) => ['INT', 'LONG', 'DOUBLE'].includes(key.type) && key.validators.length > 0);
    expect(bounded.length).to.be.greaterThan(30);
    for (const [name] of bounded) {
      const err = rejection({ [name]: '-2147483648' });
      expect(err.message, name).to.match(new RegExp(`^Invalid value -2147483648 for configuration ${name.replace(/\./g, '\\.')}: Value must be at least`));
    }
  });

  it('rejects a malformed value for every key, naming the key', () => {
    const bad: Record<string, string> = { INT: 'abc', LONG: '1.5', DOUBLE: 'x', BOOLEAN: 'maybe', ENUM: 'no-such-choice' };
    for (const [name, key] of Object.entries(brokerConfigDefs)) {
      const value = bad[key.type];
      if (value === undefined) continue;
      expect(rejection({ [name]: value }).message, name).to.contain(`Invalid value ${value} for configuration ${name}: `);
    }
    expect(rejection({ 'log.segment.bytes': '-5' }).message).to.equal('Invalid value -5 for configuration log.segment.bytes: Value must be at least 14');
  });

  it('gives every key a doc string and defaults that pass its own validators', () => {
    for (const [name, key] of Object.entries(brokerConfigDefs as ConfigDefs)) {
      expect(key.doc, name).to.not.equal('');
      if (key.defaultValue === null || key.defaultValue === undefined) continue;
      for (const validator of key.validators) expect(validator.check(key.defaultValue), name).to.equal(undefined);
    }
  });

  it('loads a file and lets --override values win', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-broker-config-'));
    try {
      const file = path.join(dir, 'server.properties');
      fs.writeFileSync(file, '# test\nbroker.id=1\nzookeeper.connect=localhost:2181\nnum.partitions=3\nlisteners=PLAINTEXT://localhost:9092\n');
      const { config } = loadBrokerConfig(file, ['broker.id=2', 'listeners=PLAINTEXT://localhost:9093']);
      expect(config.brokerId).to.equal(2);
      expect(config.numPartitions).to.equal(3);
      expect(config.listeners[0].port).to.equal(9093);
      expect(() => loadBrokerConfig(file, ['broker.id'])).to.throw(ConfigError, 'expected key=value');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('describes the resolved config one key per line for the startup log', () => {
    const lines = describeBrokerConfig(build({ listeners: 'PLAINTEXT://localhost:9092' }).config);
    expect(lines).to.include('brokerId = 1');
    expect(lines).to.include('listeners = PLAINTEXT://localhost:9092');
  });
});

describe('config/broker http.listener', () => {
  it('is off by default, with per-partition metrics on', () => {
    const { config } = build();
    expect(config.httpListener).to.equal(null);
    expect(config.httpMetricsPartitionEnable).to.equal(true);
  });

  it('parses http://host:port, an empty host, IPv6 and port 0', () => {
    expect(build({ 'http.listener': 'http://localhost:8080' }).config.httpListener).to.deep.equal({ host: 'localhost', port: 8080 });
    expect(build({ 'http.listener': 'http://:0' }).config.httpListener).to.deep.equal({ host: '', port: 0 });
    expect(build({ 'http.listener': 'http://[::1]:9100' }).config.httpListener).to.deep.equal({ host: '::1', port: 9100 });
    expect(build({ 'http.metrics.partition.enable': 'false' }).config.httpMetricsPartitionEnable).to.equal(false);
    expect(build({}).config.httpConsoleWriteEnable).to.equal(false);
    expect(build({ 'http.console.write.enable': 'true' }).config.httpConsoleWriteEnable).to.equal(true);
  });

  for (const [value, reason] of [
    ['localhost:8080', 'is not of the form http://host:port'],
    ['https://localhost:8080', 'is not of the form http://host:port'],
    ['http://localhost', 'is not of the form http://host:port'],
    ['http://bad host:8080', 'invalid host'],
    ['http://localhost:65536', 'out of range 0-65535'],
    ['http://localhost:port', 'is not a number'],
  ]) {
    it(`refuses ${value} naming the key`, () => {
      const err = rejection({ 'http.listener': value });
      expect(err.key).to.equal('http.listener');
      expect(err.message).to.contain('http.listener').and.to.contain(reason);
    });
  }
});
