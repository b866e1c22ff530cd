/**
 * The broker's configuration keys: Kafka's names, Kafka's defaults, Kafka's ranges.
 *
 * Keeping Kafka's vocabulary lets a `server.properties` written for Kafka start a Samsa broker.
 * Keys Kafka defines but Samsa has no use for are marked `ignored` (accepted, reported, no
 * effect), so a copied file does not drown the log in unknown-key warnings. Relationships between
 * keys (log.retention.ms over .minutes over .hours, advertised.listeners falling back to
 * listeners) are resolved in broker-config.ts, which is why those keys default to null here.
 */
import { booleanKey, doubleKey, enumKey, intKey, listKey, longKey, stringKey } from './config-def';
import { atLeast, between, nonEmptyList, nonEmptyString, rule } from './validators';
import { parseSuperUsers } from '../security/acl/acl-match';
import { parsePrincipal } from '../security/principal';
import { parseHttpListener, parseListeners, parseProtocolMap, parseWireProtocolMap, parseZookeeperConnect } from './endpoints';
import { sslListenerKeys } from './security-config-defs';
import { SECURITY_PROTOCOLS } from '../security/security-protocol';
import { saslBrokerKeys } from '../security/sasl/broker-sasl-config';
import { quotaBrokerKeys } from './quota-config-defs';

export const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'] as const;
export const CLEANUP_POLICIES = ['delete', 'compact'] as const;
export const TIMESTAMP_TYPES = ['CreateTime', 'LogAppendTime'] as const;
/** Winston's npm levels, which lib/util/logger.ts uses. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

// Kafka's default map plus KAFKA:PLAINTEXT, so `KAFKA://:19092` works without a custom map.
const DEFAULT_PROTOCOL_MAP = 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,KAFKA:PLAINTEXT';
export const DEFAULT_WIRE_PROTOCOL_MAP = ['KAFKA:kafka'];
/** Smallest segment Kafka accepts: a legacy v0 record's overhead. */
const MIN_SEGMENT_BYTES = 14;

// Listener syntax is checked against the default protocol map here; broker-config.ts re-parses
// with the configured map, so a custom map can still name extra PLAINTEXT listeners.
const listenerSyntax = (distinctPorts: boolean) =>
  rule<readonly string[]>('NAME://host:port,...', (items) => {
    const lenient = new Map(items.map((item) => [item.split(':')[0].toUpperCase(), 'PLAINTEXT']));
    const parsed = parseListeners(items, lenient, distinctPorts);
    return parsed.ok ? undefined : parsed.reason;
  });

const httpListenerShape = rule<string>('http://host:port', (value) => {
  const parsed = parseHttpListener(value);
  return parsed.ok ? undefined : parsed.reason;
});

const zookeeperConnectShape = rule<string>('host:port[,host:port...][/chroot]', (value) => {
  const parsed = parseZookeeperConnect(value);
  return parsed.ok ? undefined : parsed.reason;
});

const protocolMapShape = rule<readonly string[]>('NAME:PROTOCOL,...', (items) => {
  const parsed = parseProtocolMap(items);
  return parsed.ok ? undefined : parsed.reason;
});

const wireProtocolMapShape = rule<readonly string[]>('NAME:samsa|kafka,...', (items) => {
  const parsed = parseWireProtocolMap(items);
  return parsed.ok ? undefined : parsed.reason;
});

const serverKeys = {
  'broker.id': intKey({ validate: atLeast(0), importance: 'HIGH', doc: 'The unique id of this broker in the cluster.' }),
  'broker.rack': stringKey({ default: null, importance: 'MEDIUM', doc: 'Rack of the broker, reported in metadata.' }),
  listeners: listKey({
    default: ['PLAINTEXT://:9092'], validate: [nonEmptyList(), listenerSyntax(true)], importance: 'HIGH',
    doc: 'Comma-separated NAME://host:port addresses to listen on; every entry is bound. Names must be unique and mapped in listener.security.protocol.map; ports must differ (port 0, a free port, may repeat). An empty host binds every interface. At least one listener must speak Samsa\'s native protocol (see listener.wire.protocol.map).',
  }),
  'advertised.listeners': listKey({
    default: null, validate: listenerSyntax(false), importance: 'HIGH',
    doc: 'Addresses published in ZooKeeper for clients and other brokers; defaults to listeners. Names must be equal to or a subset of those in listeners. An empty host advertises os.hostname(); port 0 advertises the port the listener got bound to.',
  }),
  'listener.security.protocol.map': listKey({
    default: DEFAULT_PROTOCOL_MAP.split(','), validate: protocolMapShape, importance: 'LOW',
    doc: 'Maps listener names to security protocols (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL). Kafka\'s default plus KAFKA:PLAINTEXT, so a KAFKA:// listener needs no custom map.',
  }),
  'listener.wire.protocol.map': listKey({
    default: DEFAULT_WIRE_PROTOCOL_MAP, validate: wireProtocolMapShape, importance: 'MEDIUM',
    doc: 'Samsa: maps listener names to the wire protocol their connections speak, kafka (Apache Kafka\'s) or samsa (native). Listeners not named speak samsa. Entries must name listeners in listeners, except the default KAFKA:kafka.',
  }),
  'inter.broker.listener.name': stringKey({
    default: null, importance: 'MEDIUM',
    doc: 'Listener the controller and replica fetchers use to reach brokers; must be an advertised listener speaking the native protocol. Defaults to PLAINTEXT when it is one, else the first such listener.',
  }),
  'security.inter.broker.protocol': enumKey(SECURITY_PROTOCOLS, {
    default: null, caseInsensitive: true, importance: 'MEDIUM',
    doc: 'Security protocol between brokers: picks the listener named after it (or else the first native listener with that protocol). Cannot be set together with inter.broker.listener.name.',
  }),
  'zookeeper.connect': stringKey({
    validate: [nonEmptyString(), zookeeperConnectShape], importance: 'HIGH',
    doc: 'ZooKeeper connect string host:port[,host:port...][/chroot]; all znodes live under the chroot.',
  }),
  'zookeeper.session.timeout.ms': intKey({ default: 18000, validate: atLeast(1), importance: 'HIGH', doc: 'ZooKeeper session timeout.' }),
  'zookeeper.connection.timeout.ms': intKey({
    default: null, validate: atLeast(1), importance: 'HIGH',
    doc: 'How long to wait for the initial ZooKeeper connection; defaults to zookeeper.session.timeout.ms.',
  }),
  'num.io.threads': intKey({ default: 8, validate: atLeast(1), importance: 'LOW', ignored: true, doc: 'Ignored: Samsa serves requests on one Node.js event loop.' }),
  'num.network.threads': intKey({ default: 3, validate: atLeast(1), importance: 'LOW', ignored: true, doc: 'Ignored: Samsa serves requests on one Node.js event loop.' }),
  'num.recovery.threads.per.data.dir': intKey({ default: 1, validate: atLeast(1), importance: 'LOW', ignored: true, doc: 'Ignored: recovery runs on the event loop.' }),
  'socket.send.buffer.bytes': intKey({ default: 102400, importance: 'LOW', ignored: true, doc: 'Ignored: Node.js sizes socket buffers itself.' }),
  'socket.receive.buffer.bytes': intKey({ default: 102400, importance: 'LOW', ignored: true, doc: 'Ignored: Node.js sizes socket buffers itself.' }),
  'socket.request.max.bytes': intKey({ default: 104857600, validate: atLeast(1), importance: 'HIGH', doc: 'Largest request frame the broker will buffer; larger frames close the connection.' }),
  'queued.max.requests': intKey({
    default: 500, validate: atLeast(1), importance: 'HIGH',
    doc: 'Samsa uses this as the bound on in-flight requests per connection: past it the broker stops reading that socket until responses drain.',
  }),
  'request.timeout.ms': intKey({ default: 30000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Timeout for requests the broker sends (controller to broker, follower fetches).' }),
  'log.level': enumKey(LOG_LEVELS, { default: 'info', caseInsensitive: true, importance: 'MEDIUM', doc: 'Samsa: level of server.log and stdout logging.' }),
  'logs.dir': stringKey({ default: null, importance: 'MEDIUM', doc: 'Samsa: directory for server.log (default "logs"). Not the data directory; see log.dirs.' }),
  'log.dir.logs': stringKey({ default: null, importance: 'LOW', doc: 'Alias of logs.dir.' }),
};

const logKeys = {
  'log.dirs': listKey({ default: null, validate: nonEmptyList(), importance: 'HIGH', doc: 'Comma-separated data directories; defaults to log.dir. Relative paths resolve against the working directory.' }),
  'log.dir': stringKey({ default: '/tmp/samsa-logs', validate: nonEmptyString(), importance: 'HIGH', doc: 'Single data directory, used when log.dirs is not set.' }),
  'num.partitions': intKey({ default: 1, validate: atLeast(1), importance: 'MEDIUM', doc: 'Partitions of auto-created topics.' }),
  'default.replication.factor': intKey({ default: 1, validate: atLeast(1), importance: 'MEDIUM', doc: 'Replication factor of auto-created topics.' }),
  'auto.create.topics.enable': booleanKey({ default: true, importance: 'HIGH', doc: 'Create a topic when a client asks for metadata of an unknown one.' }),
  'delete.topic.enable': booleanKey({ default: true, importance: 'HIGH', doc: 'Allow topic deletion; when false, DeleteTopics fails with TOPIC_DELETION_DISABLED.' }),
  'log.segment.bytes': intKey({ default: 1073741824, validate: atLeast(MIN_SEGMENT_BYTES), importance: 'HIGH', doc: 'Maximum size of one segment file.' }),
  'log.index.interval.bytes': intKey({ default: 4096, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes appended between two offset index entries.' }),
  'log.index.size.max.bytes': intKey({ default: 10485760, validate: atLeast(4), importance: 'MEDIUM', doc: 'Maximum size of an offset index; a full index rolls the segment.' }),
  'log.roll.ms': longKey({ default: null, validate: atLeast(1), importance: 'HIGH', doc: 'Maximum age of a segment before it is rolled; overrides log.roll.hours.' }),
  'log.roll.hours': intKey({ default: 168, validate: atLeast(1), importance: 'HIGH', doc: 'Maximum age of a segment before it is rolled, in hours.' }),
  'log.flush.interval.messages': longKey({ default: Number.MAX_SAFE_INTEGER, validate: atLeast(1), importance: 'HIGH', doc: 'Messages appended before an fsync; the default leaves durability to replication.' }),
  'log.flush.interval.ms': longKey({ default: null, validate: atLeast(0), importance: 'HIGH', doc: 'Maximum time data sits unflushed; unset means no flush timer.' }),
  'log.retention.ms': longKey({ default: null, importance: 'HIGH', doc: 'How long to keep a segment; -1 keeps forever. Overrides log.retention.minutes and .hours.' }),
  'log.retention.minutes': intKey({ default: null, importance: 'HIGH', doc: 'As log.retention.ms, in minutes; overrides log.retention.hours.' }),
  'log.retention.hours': intKey({ default: 168, importance: 'HIGH', doc: 'As log.retention.ms, in hours.' }),
  'log.retention.bytes': longKey({ default: -1, importance: 'HIGH', doc: 'Maximum size of a partition before old segments are deleted; -1 is unlimited.' }),
  'log.retention.check.interval.ms': longKey({ default: 300000, validate: atLeast(1), importance: 'MEDIUM', doc: 'How often retention runs.' }),
  'log.cleanup.policy': enumKey(CLEANUP_POLICIES, { default: 'delete', importance: 'MEDIUM', doc: 'Default cleanup policy: delete old segments or compact by key.' }),
  'log.cleaner.enable': booleanKey({ default: true, importance: 'MEDIUM', doc: 'Run the log cleaner for compacted topics.' }),
  'log.cleaner.backoff.ms': longKey({ default: 15000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Sleep between cleaner passes when nothing needs cleaning.' }),
  'log.cleaner.min.cleanable.ratio': doubleKey({ default: 0.5, validate: between(0, 1), importance: 'MEDIUM', doc: 'Dirty fraction of a log that makes it eligible for compaction.' }),
  'log.cleaner.delete.retention.ms': longKey({ default: 86400000, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long tombstones are kept in compacted topics.' }),
  'log.message.timestamp.difference.max.ms': longKey({ default: Number.MAX_SAFE_INTEGER, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest gap between a CreateTime record timestamp and the broker clock; larger is refused (INVALID_TIMESTAMP).' }),
  'log.cleaner.min.compaction.lag.ms': longKey({ default: 0, validate: atLeast(0), importance: 'MEDIUM', doc: 'Minimum age of a record before the cleaner may compact it.' }),
  'log.cleaner.max.compaction.lag.ms': longKey({ default: Number.MAX_SAFE_INTEGER, validate: atLeast(1), importance: 'MEDIUM', doc: 'Maximum time a record stays uncompacted: older dirty records get cleaned whatever the dirty ratio.' }),
  'log.message.timestamp.type': enumKey(TIMESTAMP_TYPES, { default: 'CreateTime', importance: 'MEDIUM', doc: 'Whether batches keep the producer timestamp or get the append time.' }),
  'compression.type': enumKey(COMPRESSION_TYPES, { default: 'producer', importance: 'HIGH', doc: 'Compression of stored batches; producer keeps what the producer sent.' }),
  'message.max.bytes': intKey({ default: 1048588, validate: atLeast(0), importance: 'HIGH', doc: 'Largest record batch the broker accepts.' }),
};

const replicationKeys = {
  'replica.lag.time.max.ms': longKey({ default: 30000, validate: atLeast(1), importance: 'HIGH', doc: 'A follower not caught up for this long leaves the ISR.' }),
  'min.insync.replicas': intKey({ default: 1, validate: atLeast(1), importance: 'HIGH', doc: 'Fewest in-sync replicas an acks=all produce needs.' }),
  'unclean.leader.election.enable': booleanKey({ default: false, importance: 'HIGH', doc: 'Allow an out-of-sync replica to become leader, losing data.' }),
  'replica.fetch.max.bytes': intKey({ default: 1048576, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes a follower asks for per partition.' }),
  'replica.fetch.wait.max.ms': intKey({ default: 500, validate: atLeast(0), importance: 'MEDIUM', doc: 'How long a follower fetch may wait for data.' }),
  'replica.fetch.min.bytes': intKey({ default: 1, validate: atLeast(0), importance: 'MEDIUM', doc: 'Bytes a follower fetch waits for.' }),
  'replica.fetch.backoff.ms': intKey({ default: 1000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Sleep after a failed follower fetch.' }),
  'replica.high.watermark.checkpoint.interval.ms': longKey({ default: 5000, validate: atLeast(1), importance: 'HIGH', doc: 'How often each log directory\'s replication-offset-checkpoint (the high watermarks) is written.' }),
  'producer.id.expiration.ms': intKey({ default: 86400000, validate: atLeast(1), importance: 'LOW', doc: 'How long a partition remembers an idempotent producer that has stopped writing to it.' }),
  'num.replica.fetchers': intKey({ default: 1, validate: atLeast(1), importance: 'HIGH', doc: 'Fetcher sessions per source broker.' }),
  'controlled.shutdown.enable': booleanKey({ default: true, importance: 'MEDIUM', doc: 'Move leadership away before stopping.' }),
  'auto.leader.rebalance.enable': booleanKey({ default: true, importance: 'HIGH', doc: 'Periodically move leadership back to preferred replicas.' }),
  'leader.imbalance.per.broker.percentage': intKey({ default: 10, validate: between(0, 100), importance: 'HIGH', doc: 'Imbalance that triggers a preferred-leader election.' }),
  'leader.imbalance.check.interval.seconds': longKey({ default: 300, validate: atLeast(1), importance: 'HIGH', doc: 'How often the controller checks leader balance.' }),
  'fetch.max.bytes': intKey({ default: 57671680, validate: atLeast(1024), importance: 'MEDIUM', doc: 'Largest fetch response the broker builds.' }),
};

const groupKeys = {
  'offsets.topic.num.partitions': intKey({ default: 50, validate: atLeast(1), importance: 'HIGH', doc: 'Partitions of __consumer_offsets; fixed once the topic exists.' }),
  'offsets.topic.replication.factor': intKey({ default: 3, validate: atLeast(1), importance: 'HIGH', doc: 'Replication factor of __consumer_offsets; creation waits for this many brokers.' }),
  'offsets.topic.segment.bytes': intKey({ default: 104857600, validate: atLeast(1), importance: 'HIGH', doc: 'Segment size of __consumer_offsets.' }),
  'offsets.retention.minutes': intKey({ default: 10080, validate: atLeast(1), importance: 'HIGH', doc: 'How long committed offsets of an empty group are kept.' }),
  'offsets.retention.check.interval.ms': longKey({ default: 600000, validate: atLeast(1), importance: 'HIGH', doc: 'How often the coordinator looks for expired offsets.' }),
  'offsets.commit.timeout.ms': intKey({ default: 5000, validate: atLeast(1), importance: 'HIGH', doc: 'How long an offset commit waits for the replicas of __consumer_offsets.' }),
  'offset.metadata.max.bytes': intKey({ default: 4096, validate: atLeast(0), importance: 'HIGH', doc: 'Longest metadata string an offset commit may carry.' }),
  'group.initial.rebalance.delay.ms': intKey({ default: 3000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Delay of the first rebalance of an empty group, to let members arrive.' }),
  'group.min.session.timeout.ms': intKey({ default: 6000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Smallest session timeout a member may ask for.' }),
  'group.max.session.timeout.ms': intKey({ default: 1800000, validate: atLeast(0), importance: 'MEDIUM', doc: 'Largest session timeout a member may ask for.' }),
};

// Kafka's transaction coordinator settings (lib/transaction/).
const transactionKeys = {
  'transaction.state.log.num.partitions': intKey({ default: 50, validate: atLeast(1), importance: 'HIGH', doc: 'Partitions of __transaction_state; fixed once the topic exists.' }),
  'transaction.state.log.replication.factor': intKey({ default: 3, validate: atLeast(1), importance: 'HIGH', doc: 'Replication factor of __transaction_state (capped at the live brokers when it is created, like __consumer_offsets).' }),
  'transaction.state.log.min.isr': intKey({ default: 2, validate: atLeast(1), importance: 'HIGH', doc: 'min.insync.replicas of __transaction_state (capped at its replication factor).' }),
  'transaction.state.log.segment.bytes': intKey({ default: 104857600, validate: atLeast(1), importance: 'HIGH', doc: 'Segment size of __transaction_state.' }),
  'transaction.max.timeout.ms': intKey({ default: 900000, validate: atLeast(1), importance: 'HIGH', doc: 'Largest transaction.timeout.ms a producer may ask for (INVALID_TRANSACTION_TIMEOUT above).' }),
  'transactional.id.expiration.ms': intKey({ default: 604800000, validate: atLeast(1), importance: 'HIGH', doc: 'A transactional id with no transaction for this long is forgotten (tombstoned in __transaction_state).' }),
  'transaction.abort.timed.out.transaction.cleanup.interval.ms': intKey({ default: 10000, validate: atLeast(1), importance: 'LOW', doc: 'How often the coordinator aborts transactions open longer than their timeout.' }),
  'transaction.remove.expired.transaction.cleanup.interval.ms': intKey({ default: 3600000, validate: atLeast(1), importance: 'LOW', doc: 'How often the coordinator forgets expired transactional ids.' }),
};

/** What `authorizer.class.name` may name: Kafka's class, its pre-2.4 name, and Samsa's short alias. */
export const AUTHORIZER_CLASS_NAMES = ['kafka.security.authorizer.AclAuthorizer', 'kafka.security.auth.SimpleAclAuthorizer', 'samsa'] as const;

const authorizerKeys = {
  'authorizer.class.name': stringKey({
    default: '', importance: 'LOW',
    validate: rule<string>(`empty or one of ${AUTHORIZER_CLASS_NAMES.join(', ')}`,
      (v) => (v === '' || (AUTHORIZER_CLASS_NAMES as readonly string[]).includes(v) ? undefined : `Samsa has no authorizer class ${v}; use ${AUTHORIZER_CLASS_NAMES[0]} (ACLs in ZooKeeper) or leave it empty`)),
    doc: 'The authorizer: empty (every request allowed) or kafka.security.authorizer.AclAuthorizer (ACLs in ZooKeeper, as Kafka stores them); kafka.security.auth.SimpleAclAuthorizer and samsa are accepted as aliases.',
  }),
  'super.users': stringKey({
    default: '', importance: 'LOW',
    validate: rule<string>('User:name;User:name', (v) => {
      const bad = parseSuperUsers(v).find((p) => parsePrincipal(p) === undefined);
      return bad === undefined ? undefined : `Super user ${bad} is not of the form Type:name`;
    }),
    doc: 'Semicolon-separated principals (User:admin;User:bob) allowed everything by the authorizer. The brokers\' own principal (User:ANONYMOUS on a PLAINTEXT inter-broker listener) must be here or have ClusterAction.',
  }),
  'allow.everyone.if.no.acl.found': booleanKey({ default: false, importance: 'LOW', doc: 'With an authorizer, allow a request on a resource no ACL matches.' }),
  'authorizer.audit.log.level': enumKey(LOG_LEVELS, {
    default: 'info', caseInsensitive: true, importance: 'LOW',
    doc: 'Samsa: level of the authorizer log line written for each denied request (allowed ones are logged at debug).',
  }),
};

// Samsa's own keys: Kafka exposes JMX instead, which has no Node equivalent.
const httpKeys = {
  'http.listener': stringKey({
    default: null, validate: httpListenerShape, importance: 'MEDIUM',
    doc: 'Samsa: http://host:port of the HTTP endpoint serving /health, /ready and Prometheus /metrics; off when unset. An empty host binds every interface; port 0 picks a free port.',
  }),
  'http.metrics.partition.enable': booleanKey({
    default: true, importance: 'LOW',
    doc: 'Samsa: export per-partition log series (size, segments, start and end offset) on /metrics. Turn off on brokers with many partitions to bound the series count.',
  }),
  'http.console.write.enable': booleanKey({
    default: false, importance: 'MEDIUM',
    doc: 'Samsa: let the web console on http.listener create and delete topics (POST and DELETE on its /api/topics); when false the console is read-only and such requests answer 403.',
  }),
  'http.console.group.lag.sample.interval.ms': intKey({
    default: 15000, validate: atLeast(100), importance: 'LOW',
    doc: 'Samsa: how often (ms) the web console samples the total lag of each consumer group (at most 50, the first by name) for its lag chart, which keeps 240 samples per group.',
  }),
};

export const brokerConfigDefs = { ...serverKeys, ...logKeys, ...replicationKeys, ...groupKeys, ...transactionKeys, ...sslListenerKeys, ...saslBrokerKeys, ...authorizerKeys, ...httpKeys, ...quotaBrokerKeys };
export type BrokerConfigDefs = typeof brokerConfigDefs;
