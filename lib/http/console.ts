/**
 * The web console and its JSON API, served on `http.listener` next to /metrics: `/` and
 * `/assets/*` are the single-page app (console/ in the repository), `/api/*` the data it polls.
 * Every API answer comes from the admin client (records from a consumer) connected to this
 * broker's own listener as the signed-in user (console-target.ts), so the authorizer filters what
 * each user sees exactly as it would for their own clients. Read-only unless
 * `http.console.write.enable`; then topics can also be created and deleted.
 */
import { Admin, TopicDescription } from '../client/admin';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { getLogger } from '../util/logger';
import { ConsoleAssets } from './console-assets';
import { ConsoleClients } from './console-clients';
import { BasicCredentials, ConsoleTarget } from './console-target';
import { GroupLagHistory, MAX_LAG_GROUPS } from './group-lag-history';
import { HttpRequest, HttpResponse, json } from './http-server';
import { LeaderLogTotals, THROUGHPUT_INTERVAL_MS, ThroughputHistory } from './throughput-history';
import { SAMSA_VERSION } from '../util/version';

/** What the console reads from the broker it runs in, besides its admin client. */
export interface LocalReplica {
  topic: string;
  partition: number;
  isLeader: boolean;
  sizeBytes: number;
  logEndOffset: number;
}

export interface ConsoleOptions {
  brokerId: number;
  writeEnabled: boolean;
  target: ConsoleTarget;
  /** Every listener endpoint of a live broker, `NAME://host:port`, from the broker's metadata. */
  brokerEndpoints: (brokerId: number) => string[];
  /** The replicas this broker holds: topic sizes and the throughput chart. */
  localReplicas: () => Iterable<LocalReplica>;
  /** Where the built app lives (tests); dist/console by default. */
  assetsDir?: string;
  /** How often (ms) the groups' lag is sampled for the lag chart; GROUP_LAG_INTERVAL_MS by default. */
  groupLagIntervalMs?: number;
}

/** At most this many records per browse request. */
const MAX_BROWSE_RECORDS = 500;
const DEFAULT_BROWSE_RECORDS = 50;
/** A browse stops polling after this long (ms) even with fewer records than asked for. */
const BROWSE_WAIT_MS = 3_000;
/** Keys and values longer than this (bytes) are cut in browse answers, so a page stays small. */
const MAX_FIELD_BYTES = 16 * 1024;
/** Record browses running at once (each opens a consumer connection); more answer 429. */
const MAX_CONCURRENT_BROWSES = 4;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly headers?: Record<string, string>) {
    super(message);
  }
}

export class WebConsole {
  private readonly clients: ConsoleClients;
  private readonly assets: ConsoleAssets;
  private readonly throughput: ThroughputHistory;
  private readonly lagHistory: GroupLagHistory;
  /**
   * With an authorizer the console has no identity of its own that may describe groups: each
   * group is sampled as the user who last opened it (at most MAX_LAG_GROUPS, oldest dropped).
   */
  private readonly lagViewers = new Map<string, BasicCredentials>();
  private readonly logger = getLogger('http-console');
  private browsing = 0;

  constructor(private readonly options: ConsoleOptions) {
    this.clients = new ConsoleClients(options.target);
    this.assets = new ConsoleAssets(options.assetsDir);
    this.throughput = new ThroughputHistory(() => this.leaderTotals());
    this.lagHistory = new GroupLagHistory(() => this.sampleLags(), options.groupLagIntervalMs);
  }

  async close(): Promise<void> {
    this.throughput.stop();
    this.lagHistory.stop();
    await this.clients.close();
  }

  /** The HttpServer fallback: null for paths the console does not own (404). */
  async handle(req: HttpRequest): Promise<HttpResponse | null> {
    const isApi = req.path === '/api' || req.path.startsWith('/api/');
    const isPage = req.path === '/' || req.path === '/index.html' || req.path.startsWith('/assets/');
    if (!isApi && !isPage) return null;
    try {
      const user = this.authenticate(req);
      if (isPage) return await this.page(req, user);
      return await this.api(req, user);
    } catch (err) {
      return this.failure(err, req);
    }
  }

  private async page(req: HttpRequest, user: BasicCredentials | null): Promise<HttpResponse | null> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req, 'GET, HEAD');
    // The page itself is gated too, so the browser asks for credentials once and reuses them for /api.
    if (user !== null) await this.clients.admin(user);
    return this.assets.serve(req.path.startsWith('/assets/') ? req.path.slice('/assets/'.length) : 'index.html');
  }

  private authenticate(req: HttpRequest): BasicCredentials | null {
    const target = this.options.target;
    if (target.unavailable !== null) throw new ApiError(503, target.unavailable);
    if (!target.authRequired) return null;
    const header = req.headers.authorization ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) throw unauthorized('Sign in with a user of the broker (HTTP Basic): the broker has an authorizer');
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }

  private async api(req: HttpRequest, user: BasicCredentials | null): Promise<HttpResponse> {
    const parts = req.segments.slice(1); // after 'api'
    const route = parts.join('/');
    const get = req.method === 'GET' || req.method === 'HEAD';
    if (route === 'cluster') return get ? json(200, await this.cluster(user)) : methodNotAllowedReply(req, 'GET, HEAD');
    if (route === 'throughput') return get ? json(200, { intervalMs: THROUGHPUT_INTERVAL_MS, samples: this.throughput.history() }) : methodNotAllowedReply(req, 'GET, HEAD');
    if (route === 'groups') return get ? json(200, await this.groups(user)) : methodNotAllowedReply(req, 'GET, HEAD');
    if (parts[0] === 'groups' && parts.length === 2 && parts[1] !== '') {
      return get ? json(200, await this.group(user, parts[1])) : methodNotAllowedReply(req, 'GET, HEAD');
    }
    if (route === 'topics') {
      if (get) return json(200, await this.topics(user));
      if (req.method === 'POST') return this.createTopic(req, user);
      return methodNotAllowedReply(req, 'GET, HEAD, POST');
    }
    if (parts[0] === 'topics' && parts.length === 2 && parts[1] !== '') {
      if (get) return json(200, await this.topic(user, parts[1]));
      if (req.method === 'DELETE') return this.deleteTopic(user, parts[1]);
      return methodNotAllowedReply(req, 'GET, HEAD, DELETE');
    }
    if (parts[0] === 'topics' && parts.length === 3 && parts[2] === 'records') {
      return get ? json(200, await this.records(user, parts[1], req.query)) : methodNotAllowedReply(req, 'GET, HEAD');
    }
    throw new ApiError(404, `No API route ${req.path}; try /api/cluster, /api/topics, /api/topics/<topic>, /api/topics/<topic>/records, /api/groups, /api/groups/<group>, /api/throughput`);
  }

  private async cluster(user: BasicCredentials | null) {
    const admin = await this.clients.admin(user);
    const cluster = await admin.describeCluster();
    return {
      clusterId: cluster.clusterId, controllerId: cluster.controllerId, consoleBrokerId: this.options.brokerId,
      // Samsa brokers of one cluster run one release; the console reports its own.
      version: SAMSA_VERSION,
      brokers: cluster.brokers.map((b) => ({ id: b.nodeId, host: b.host, port: b.port, rack: b.rack, endpoints: this.options.brokerEndpoints(b.nodeId) }))
        .sort((a, b) => a.id - b.id),
      writeEnabled: this.options.writeEnabled, authRequired: this.options.target.authRequired, user: user?.username ?? null,
    };
  }

  private async topics(user: BasicCredentials | null) {
    const admin = await this.clients.admin(user);
    const topics = await admin.describeTopics();
    const sizes = this.localSizes();
    return topics.sort((a, b) => a.name.localeCompare(b.name)).map((t) => ({
      ...summary(t),
      localSizeBytes: t.partitions.reduce((sum, p) => sum + (sizes.get(`${t.name}-${p.partition}`) ?? 0), 0),
    }));
  }

  private async topic(user: BasicCredentials | null, name: string) {
    checkTopicName(name);
    const admin = await this.clients.admin(user);
    const [description] = await admin.describeTopics([name]);
    if (description === undefined) throw new ApiError(404, `Topic ${name} does not exist`);
    // Effective configs need DescribeConfigs, which a user may lack while allowed to Describe: show overrides only then.
    const configs = await admin.describeTopicConfigs([name]).then((all) => all.get(name) ?? {}, (err: unknown) => {
      if (err instanceof SamsaError && STATUS_OF_ERROR.get(err.code) === 403) return null;
      throw err;
    });
    const sizes = this.localSizes();
    const partitions = await Promise.all(description.partitions.map(async (p) => ({
      partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, offlineReplicas: p.offlineReplicas,
      underReplicated: p.isr.length < p.replicas.length,
      earliestOffset: await admin.listOffsets(name, p.partition, 'earliest').catch(() => null),
      latestOffset: await admin.listOffsets(name, p.partition, 'latest').catch(() => null),
      localSizeBytes: sizes.get(`${name}-${p.partition}`) ?? null,
    })));
    return { ...summary(description), configs, overrides: description.configs, partitions };
  }

  private async records(user: BasicCredentials | null, name: string, query: URLSearchParams) {
    checkTopicName(name);
    const partition = intParam(query, 'partition', 0, 0, 1_000_000);
    const limit = intParam(query, 'limit', DEFAULT_BROWSE_RECORDS, 1, MAX_BROWSE_RECORDS);
    if (query.has('offset') && query.has('timestamp')) throw new ApiError(400, 'Give offset or timestamp, not both');
    const admin = await this.clients.admin(user);
    const [description] = await admin.describeTopics([name]);
    if (description === undefined) throw new ApiError(404, `Topic ${name} does not exist`);
    if (!description.partitions.some((p) => p.partition === partition)) throw new ApiError(404, `Topic ${name} has no partition ${partition}`);
    const earliest = await admin.listOffsets(name, partition, 'earliest');
    const latest = await admin.listOffsets(name, partition, 'latest');
    let from: number;
    if (query.has('timestamp')) {
      const ts = intParam(query, 'timestamp', 0, 0, Number.MAX_SAFE_INTEGER);
      const found = await admin.listOffsets(name, partition, ts);
      from = found < 0 ? latest : found;
    } else {
      // Without an offset: the last `limit` records.
      from = Math.max(earliest, query.has('offset') ? intParam(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) : latest - limit);
    }
    const records = [];
    if (from < latest) {
      if (this.browsing >= MAX_CONCURRENT_BROWSES) throw new ApiError(429, `Too many record browses at once (at most ${MAX_CONCURRENT_BROWSES}); try again in a moment`, { 'Retry-After': '1' });
      const consumer = this.clients.consumer(user, limit);
      this.browsing++;
      try {
        const tp = { topic: name, partition };
        consumer.assign([tp]);
        consumer.seek(tp, from);
        const deadline = Date.now() + BROWSE_WAIT_MS;
        let next = from;
        while (records.length < limit && next < latest && Date.now() < deadline) {
          for (const r of await consumer.poll(Math.max(1, deadline - Date.now()))) {
            if (records.length >= limit) break;
            next = r.offset + 1;
            records.push({
              offset: r.offset, timestamp: r.timestamp, timestampType: r.timestampType,
              key: bytes(r.key), value: bytes(r.value),
              headers: r.headers.map((h) => ({ key: h.key, value: bytes(h.value) })),
            });
          }
        }
      } finally {
        this.browsing--;
        await consumer.close().catch(() => undefined);
      }
    }
    return { topic: name, partition, from, earliestOffset: earliest, latestOffset: latest, limit, records };
  }

  private async groups(user: BasicCredentials | null) {
    const admin = await this.clients.admin(user);
    return (await admin.listConsumerGroups()).map((g) => ({ groupId: g.groupId, state: g.state, protocolType: g.protocolType }));
  }

  private async group(user: BasicCredentials | null, groupId: string) {
    const admin = await this.clients.admin(user);
    // Succeeds only when this user may describe the group: only then is its lag history served.
    const group = await describeGroupLag(admin, groupId);
    if (user !== null) {
      this.lagViewers.delete(groupId);
      this.lagViewers.set(groupId, user);
      while (this.lagViewers.size > MAX_LAG_GROUPS) this.lagViewers.delete(this.lagViewers.keys().next().value as string);
    }
    return { ...group, lagHistory: { intervalMs: this.lagHistory.intervalMs, samples: this.lagHistory.history(groupId) } };
  }

  /** Every group's total lag for the lag chart; a group that fails to describe is left out (dropped). */
  private async sampleLags(): Promise<Map<string, number>> {
    const lags = new Map<string, number>();
    const sample = async (admin: Admin, groupId: string) => {
      try {
        lags.set(groupId, (await describeGroupLag(admin, groupId)).totalLag);
      } catch {
        this.lagViewers.delete(groupId);
      }
    };
    if (this.options.target.authRequired) {
      for (const [groupId, user] of [...this.lagViewers]) {
        const admin = await this.clients.admin(user).catch(() => null);
        if (admin === null) this.lagViewers.delete(groupId);
        else await sample(admin, groupId);
      }
    } else {
      const admin = await this.clients.admin(null);
      const groups = (await admin.listConsumerGroups()).filter((g) => g.state !== 'Dead').map((g) => g.groupId).sort();
      for (const groupId of groups.slice(0, MAX_LAG_GROUPS)) await sample(admin, groupId);
    }
    return lags;
  }

  private async createTopic(req: HttpRequest, user: BasicCredentials | null): Promise<HttpResponse> {
    this.checkWritable();
    const body = parseJson(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'Expected a JSON object: {"name": "...", "partitions": 1, "replicationFactor": 1, "configs": {}}');
    const spec = body as Record<string, unknown>;
    if (typeof spec.name !== 'string') throw new ApiError(400, 'Field "name" (the topic name) is required and must be a string');
    checkTopicName(spec.name);
    const count = (field: string) => {
      const v = spec[field];
      if (v === undefined) return -1;
      if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > 100_000) throw new ApiError(400, `Field "${field}" must be a whole number from 1 to 100000`);
      return v as number;
    };
    const configs = spec.configs ?? {};
    if (typeof configs !== 'object' || configs === null || Array.isArray(configs) || Object.values(configs).some((v) => typeof v !== 'string')) {
      throw new ApiError(400, 'Field "configs" must be an object of string values');
    }
    const admin = await this.clients.admin(user);
    await admin.createTopic({ topic: spec.name, numPartitions: count('partitions'), replicationFactor: count('replicationFactor'), configs: configs as Record<string, string> });
    this.logger.info(`Console: ${user?.username ?? 'anonymous'} created topic ${spec.name}`);
    return json(201, { created: spec.name });
  }

  private async deleteTopic(user: BasicCredentials | null, name: string): Promise<HttpResponse> {
    this.checkWritable();
    checkTopicName(name);
    const admin = await this.clients.admin(user);
    await admin.deleteTopic(name);
    this.logger.info(`Console: ${user?.username ?? 'anonymous'} deleted topic ${name}`);
    return json(200, { deleted: name });
  }

  private checkWritable(): void {
    if (!this.options.writeEnabled) throw new ApiError(403, 'The console is read-only: set http.console.write.enable=true on the broker to allow creating and deleting topics');
  }

  private localSizes(): Map<string, number> {
    const sizes = new Map<string, number>();
    for (const r of this.options.localReplicas()) sizes.set(`${r.topic}-${r.partition}`, r.sizeBytes);
    return sizes;
  }

  private leaderTotals(): LeaderLogTotals {
    const totals = { messages: 0, bytes: 0 };
    for (const r of this.options.localReplicas()) {
      if (!r.isLeader) continue;
      totals.messages += r.logEndOffset;
      totals.bytes += r.sizeBytes;
    }
    return totals;
  }

  private failure(err: unknown, req: HttpRequest): HttpResponse {
    if (err instanceof ApiError) return json(err.status, { error: err.message }, err.headers);
    if (err instanceof SamsaError) {
      const status = STATUS_OF_ERROR.get(err.code);
      if (status === 401) return json(401, { error: `Sign-in failed: ${err.message}` }, { 'WWW-Authenticate': BASIC_CHALLENGE });
      if (status !== undefined) return json(status, { error: err.message, errorCode: err.errorName });
      this.logger.warn(`Console ${req.method} ${req.path}: ${err.message}`);
      return json(502, { error: `The broker answered: ${err.message}`, errorCode: err.errorName });
    }
    this.logger.error(`Console ${req.method} ${req.path} failed: ${(err as Error).stack ?? String(err)}`);
    return json(500, { error: 'Internal error; see the broker log' });
  }
}

const BASIC_CHALLENGE = 'Basic realm="Samsa console", charset="UTF-8"';

const STATUS_OF_ERROR: ReadonlyMap<number, number> = new Map([
  [ErrorCode.SASL_AUTHENTICATION_FAILED.code, 401],
  [ErrorCode.TOPIC_AUTHORIZATION_FAILED.code, 403],
  [ErrorCode.GROUP_AUTHORIZATION_FAILED.code, 403],
  [ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code, 403],
  [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code, 404],
  [ErrorCode.GROUP_ID_NOT_FOUND.code, 404],
  [ErrorCode.TOPIC_ALREADY_EXISTS.code, 409],
  [ErrorCode.INVALID_TOPIC_EXCEPTION.code, 400],
  [ErrorCode.INVALID_PARTITIONS.code, 400],
  [ErrorCode.INVALID_REPLICATION_FACTOR.code, 400],
  [ErrorCode.INVALID_CONFIG.code, 400],
  [ErrorCode.INVALID_REQUEST.code, 400],
]);

function unauthorized(message: string): ApiError {
  return new ApiError(401, message, { 'WWW-Authenticate': BASIC_CHALLENGE });
}

function methodNotAllowed(req: HttpRequest, allow: string): ApiError {
  return new ApiError(405, `Method ${req.method} is not allowed on ${req.path}; allowed: ${allow}`, { Allow: allow });
}

function methodNotAllowedReply(req: HttpRequest, allow: string): never {
  throw methodNotAllowed(req, allow);
}

function checkTopicName(name: string): void {
  if (!TOPIC_NAME.test(name) || name === '.' || name === '..') {
    throw new ApiError(400, `Invalid topic name ${JSON.stringify(name.slice(0, 300))}: use 1 to 249 of a-z A-Z 0-9 . _ -`);
  }
}

function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ApiError(400, `Query parameter ${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(raw.slice(0, 50))}`);
  return Number(raw);
}

function parseJson(req: HttpRequest): unknown {
  try {
    return JSON.parse(req.body.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, `The request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Bytes for the browser to show as text, JSON or hex; base64 keeps any bytes intact in JSON. */
function bytes(value: Buffer | null): { base64: string; size: number; truncated: boolean } | null {
  if (value === null) return null;
  const cut = value.length > MAX_FIELD_BYTES;
  return { base64: (cut ? value.subarray(0, MAX_FIELD_BYTES) : value).toString('base64'), size: value.length, truncated: cut };
}

/** A group's members, committed offsets and lag per partition: the group page and the lag sampler. */
async function describeGroupLag(admin: Admin, groupId: string) {
  const [description] = await admin.describeConsumerGroups([groupId]);
  if (description === undefined || description.state === 'Dead') throw new ApiError(404, `Consumer group ${groupId} does not exist`);
  const owners = new Map<string, string>();
  for (const m of description.members) for (const a of m.assignment) owners.set(`${a.topic}-${a.partition}`, m.memberId);
  const offsets = await admin.listConsumerGroupOffsets(groupId);
  const partitions = await Promise.all(offsets.map(async (o) => {
    const latest = await admin.listOffsets(o.topic, o.partition, 'latest').catch(() => null);
    return {
      topic: o.topic, partition: o.partition, committedOffset: o.offset, latestOffset: latest,
      lag: latest === null || o.offset < 0 ? null : Math.max(0, latest - o.offset),
      memberId: owners.get(`${o.topic}-${o.partition}`) ?? null,
    };
  }));
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  return {
    groupId, state: description.state, protocolType: description.protocolType, partitionAssignor: description.partitionAssignor,
    coordinator: description.coordinator,
    members: description.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.host, groupInstanceId: m.groupInstanceId, assignment: m.assignment })),
    partitions, totalLag: partitions.reduce((sum, p) => sum + (p.lag ?? 0), 0),
  };
}

function summary(t: TopicDescription) {
  return {
    name: t.name, internal: t.internal, partitionCount: t.partitions.length,
    replicationFactor: t.partitions[0]?.replicas.length ?? 0,
    underReplicatedPartitions: t.partitions.filter((p) => p.isr.length < p.replicas.length).length,
    offlinePartitions: t.partitions.filter((p) => p.leader < 0).length,
    partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, underReplicated: p.isr.length < p.replicas.length })),
    overrides: t.configs,
  };
}

