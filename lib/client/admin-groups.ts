/**
 * The admin client's consumer-group operations: list, describe, read and overwrite committed
 * offsets, delete. Each group is served by its coordinator (found with FindCoordinator); listing
 * asks every broker, since each knows only the groups it coordinates, as Kafka's AdminClient does.
 *
 * A coordinator that moved, is still loading its partition of `__consumer_offsets` or is not yet
 * elected makes the operation look it up again and retry, until request.timeout.ms has passed.
 */
import { Api } from '../protocol/api';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { CONSUMER_PROTOCOL_TYPE, decodeAssignment } from '../group/consumer-protocol';
import { asSamsaError, responseError, userError } from './client-errors';
import { ResolvedClientOptions } from './client-options';
import { Connection } from './connection';
import { ConnectionPool } from './connection-pool';
import { CoordinatorNode, findCoordinator, retriableGroupError } from './coordinator-channel';
import { NO_GENERATION, offsetCommitRequest, offsetFetchTopics, readOffsetFetch, TopicPartitionOffset } from './offset-committer';
import type { TopicPartition } from './partition-state';
import { exponentialBackoffMs } from './retry-policy';
import { sleep } from '../util/time';

export type { CoordinatorNode } from './coordinator-channel';

export interface ConsumerGroupListing {
  groupId: string;
  /** 'consumer', or '' for a group that only stores offsets. */
  protocolType: string;
  state: string;
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  host: string;
  /** Decoded from the member's ConsumerProtocol assignment; empty unless the group is Stable. */
  assignment: TopicPartition[];
}

export interface ConsumerGroupDescription {
  groupId: string;
  /** Empty, PreparingRebalance, CompletingRebalance, Stable or Dead (Dead: the group does not exist). */
  state: string;
  protocolType: string;
  /** The assignor the group runs (e.g. 'range'); '' unless Stable. */
  partitionAssignor: string;
  members: MemberDescription[];
  coordinator: CoordinatorNode;
}

export interface GroupOffset extends TopicPartition {
  offset: number;
  metadata: string | null;
}

/**
 * What deleteConsumerGroupOffsets did: a group-level error (the group is unknown, not empty and
 * not a consumer group, not authorized...) fails every partition; otherwise each partition has
 * its own outcome (GROUP_SUBSCRIBED_TO_TOPIC while a member subscribes to the topic).
 */
export interface DeleteOffsetsResult {
  groupError: SamsaError | null;
  partitions: Array<TopicPartition & { error: SamsaError | null }>;
}

type Attempt<T> = { done: T } | { retryCode: number };
type OffsetDeleteAnswer = { errorCode: number; topics: Array<{ name: string; partitions: Array<{ partitionIndex: number; errorCode: number }> }> };
type ListedGroup = { groupId: string; protocolType: string; groupState: string };

/** Broker nodes to ask for ListGroups. */
export type BrokerLister = () => Promise<Array<{ nodeId: number; host: string; port: number }>>;

export class AdminGroups {
  constructor(private readonly pool: ConnectionPool, private readonly options: ResolvedClientOptions, private readonly brokers: BrokerLister) {}

  /** Consumer groups of every broker, sorted by id; `states` (case-insensitive) keeps only groups in those states. */
  async listConsumerGroups(states: readonly string[] = []): Promise<ConsumerGroupListing[]> {
    const brokers = await this.brokers();
    const perBroker = await Promise.all(brokers.map((b) => this.retrying<ListedGroup[]>('listing groups', async () => {
      const conn = await this.pool.forAddress(b);
      const response = await conn.send(Api.ListGroups, { statesFilter: [...states] });
      if (response.errorCode !== 0) return { retryCode: response.errorCode };
      return { done: response.groups };
    })));
    const byId = new Map<string, ConsumerGroupListing>();
    for (const groups of perBroker) {
      for (const g of groups) {
        if (g.protocolType !== CONSUMER_PROTOCOL_TYPE && g.protocolType !== '') continue;
        byId.set(g.groupId, { groupId: g.groupId, protocolType: g.protocolType, state: g.groupState });
      }
    }
    return [...byId.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  /** One description per group id, in the order asked; a group nobody knows is described as Dead. */
  describeConsumerGroups(groupIds: readonly string[]): Promise<ConsumerGroupDescription[]> {
    return Promise.all(groupIds.map((groupId) => this.onCoordinator<ConsumerGroupDescription>(groupId, `describing group '${groupId}'`, async (conn, node) => {
      const response = await conn.send(Api.DescribeGroups, { groups: [groupId] });
      const g = response.groups.find((x) => x.groupId === groupId);
      if (!g) throw userError(ErrorCode.UNKNOWN_SERVER_ERROR, `The coordinator did not describe group '${groupId}'.`);
      if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND.code) return { done: deadGroup(groupId, node) };
      if (g.errorCode !== 0) return { retryCode: g.errorCode };
      return {
        done: {
          groupId, state: g.groupState, protocolType: g.protocolType, partitionAssignor: g.protocolData, coordinator: node,
          members: g.members.map((m) => ({
            memberId: m.memberId, groupInstanceId: m.groupInstanceId, clientId: m.clientId, host: m.clientHost,
            assignment: g.protocolType === CONSUMER_PROTOCOL_TYPE ? safeAssignment(m.memberAssignment) : [],
          })),
        },
      };
    })));
  }

  /** The group's committed offsets (of `partitions`, or all of them), sorted by topic and partition. */
  async listConsumerGroupOffsets(groupId: string, partitions: readonly TopicPartition[] | null = null): Promise<GroupOffset[]> {
    const offsets = await this.onCoordinator(groupId, `fetching the offsets of group '${groupId}'`, async (conn) => {
      const outcome = readOffsetFetch(await conn.send(Api.OffsetFetch, { groupId, topics: offsetFetchTopics(partitions), requireStable: false }), groupId);
      return 'offsets' in outcome ? { done: outcome.offsets } : outcome;
    });
    return [...offsets.values()]
      .map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata }))
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
  }

  /**
   * Overwrites committed offsets, as a member-less commit (generation -1). The coordinator refuses it
   * (UNKNOWN_MEMBER_ID) while the group has members: reset offsets of inactive groups only.
   */
  async alterConsumerGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const body = offsetCommitRequest(groupId, offsets, NO_GENERATION);
    await this.onCoordinator(groupId, `committing offsets of group '${groupId}'`, async (conn) => {
      const response = await conn.send(Api.OffsetCommit, body);
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode === 0) continue;
          if (retriableGroupError(p.errorCode)) return { retryCode: p.errorCode };
          if (p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID.code) {
            throw userError(ErrorCode.UNKNOWN_MEMBER_ID, `Offsets of group '${groupId}' can only be altered while it has no active members.`);
          }
          throw responseError(p.errorCode, null, `Committing the offset of ${t.name}-${p.partitionIndex} for group '${groupId}' failed.`);
        }
      }
      return { done: undefined };
    });
  }

  /** Deletes each (empty) group with its offsets; the result maps every group id to null (deleted) or its error. */
  async deleteConsumerGroups(groupIds: readonly string[]): Promise<Map<string, SamsaError | null>> {
    const results = await Promise.all(groupIds.map(async (groupId): Promise<[string, SamsaError | null]> => {
      try {
        await this.onCoordinator(groupId, `deleting group '${groupId}'`, async (conn) => {
          const response = await conn.send(Api.DeleteGroups, { groupsNames: [groupId] });
          const code = response.results.find((r) => r.groupId === groupId)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR.code;
          if (code === 0) return { done: undefined };
          if (retriableGroupError(code)) return { retryCode: code };
          throw deleteError(groupId, code);
        });
        return [groupId, null];
      } catch (err) {
        return [groupId, asSamsaError(err)];
      }
    }));
    return new Map(results);
  }

  /**
   * Kafka's removeMembersFromConsumerGroup: LeaveGroup (v3, batched) on the members' behalf. Static
   * members are named by group.instance.id; without ids, every member goes (dynamic ones by member
   * id). The result maps each instance id (or member id) to null (removed) or its error, e.g.
   * UNKNOWN_MEMBER_ID for an instance id the group does not have.
   */
  async removeMembersFromConsumerGroup(groupId: string, groupInstanceIds?: readonly string[]): Promise<Map<string, SamsaError | null>> {
    const members = groupInstanceIds !== undefined
      ? groupInstanceIds.map((id) => ({ memberId: '', groupInstanceId: id }))
      : (await this.describeConsumerGroups([groupId]))[0].members.map((m) => ({ memberId: m.groupInstanceId === null ? m.memberId : '', groupInstanceId: m.groupInstanceId }));
    if (members.length === 0) return new Map();
    const answered = await this.onCoordinator<Array<{ memberId: string; groupInstanceId: string | null; errorCode: number }>>(groupId, `removing members from group '${groupId}'`, async (conn) => {
      const response = await conn.send(Api.LeaveGroup, { groupId, members });
      if (response.errorCode === 0) return { done: response.members };
      if (retriableGroupError(response.errorCode)) return { retryCode: response.errorCode };
      throw responseError(response.errorCode, null, `Removing members from group '${groupId}' failed.`);
    });
    return new Map(answered.map((m) => [m.groupInstanceId ?? m.memberId, m.errorCode === 0 ? null : responseError(m.errorCode, null)]));
  }

  /** Removes committed offsets of `partitions` from the group (OffsetDelete, Kafka's deleteConsumerGroupOffsets). */
  async deleteConsumerGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<DeleteOffsetsResult> {
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions) byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    const topics = [...byTopic].map(([name, list]) => ({ name, partitions: list.map((partitionIndex) => ({ partitionIndex })) }));
    try {
      const response = await this.onCoordinator<OffsetDeleteAnswer>(groupId, `deleting offsets of group '${groupId}'`, async (conn) => {
        const r = await conn.send(Api.OffsetDelete, { groupId, topics });
        if (r.errorCode !== 0 && retriableGroupError(r.errorCode)) return { retryCode: r.errorCode };
        return { done: r };
      });
      if (response.errorCode !== 0) return failedEverywhere(partitions, responseError(response.errorCode, null));
      const codes = new Map(response.topics.flatMap((t) => t.partitions.map((p) => [`${t.name}\u0000${p.partitionIndex}`, p.errorCode] as const)));
      return {
        groupError: null,
        partitions: partitions.map((tp) => {
          const code = codes.get(`${tp.topic}\u0000${tp.partition}`) ?? ErrorCode.UNKNOWN_SERVER_ERROR.code;
          return { ...tp, error: code === 0 ? null : responseError(code, null) };
        }),
      };
    } catch (err) {
      return failedEverywhere(partitions, asSamsaError(err));
    }
  }

  /** Runs `attempt` against the group's coordinator, finding it again and retrying while it moves or loads. */
  private onCoordinator<T>(groupId: string, what: string, attempt: (conn: Connection, node: CoordinatorNode) => Promise<Attempt<T>>): Promise<T> {
    const deadline = Date.now() + this.options.requestTimeoutMs;
    return this.retrying(what, async () => {
      const node = await findCoordinator(this.pool, groupId, deadline, this.options);
      return attempt(await this.pool.forAddress(node), node);
    }, deadline);
  }

  private async retrying<T>(what: string, attempt: () => Promise<Attempt<T>>, deadline = Date.now() + this.options.requestTimeoutMs): Promise<T> {
    for (let n = 0; ; n++) {
      let failure: SamsaError;
      try {
        const outcome = await attempt();
        if ('done' in outcome) return outcome.done;
        failure = responseError(outcome.retryCode, null);
      } catch (err) {
        failure = asSamsaError(err);
        if (!retriableGroupError(failure.code) && failure.code !== ErrorCode.NETWORK_EXCEPTION.code) throw failure;
      }
      const waitMs = exponentialBackoffMs(n, this.options.retryBackoffMs, this.options.retryBackoffMaxMs);
      if (Date.now() + waitMs >= deadline) {
        throw userError(ErrorCode.REQUEST_TIMED_OUT, `Timed out ${what}: ${failure.message}`, failure);
      }
      await sleep(waitMs);
    }
  }
}

function failedEverywhere(partitions: readonly TopicPartition[], error: SamsaError): DeleteOffsetsResult {
  return { groupError: error, partitions: partitions.map((tp) => ({ topic: tp.topic, partition: tp.partition, error })) };
}

function deadGroup(groupId: string, coordinator: CoordinatorNode): ConsumerGroupDescription {
  return { groupId, state: 'Dead', protocolType: '', partitionAssignor: '', members: [], coordinator };
}

function safeAssignment(bytes: Buffer): TopicPartition[] {
  try {
    return decodeAssignment(bytes).partitions;
  } catch {
    return [];
  }
}

function deleteError(groupId: string, code: number): SamsaError {
  if (code === ErrorCode.NON_EMPTY_GROUP.code) return userError(ErrorCode.NON_EMPTY_GROUP, `The group '${groupId}' is not empty.`);
  if (code === ErrorCode.GROUP_ID_NOT_FOUND.code) return userError(ErrorCode.GROUP_ID_NOT_FOUND, `The group id '${groupId}' does not exist.`);
  return responseError(code, null);
}
