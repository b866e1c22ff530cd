/**
 * A scripted group coordinator for consumer tests, served by FakeBrokers: just enough of Kafka's
 * rules to drive a consumer through its membership states one step at a time.
 *
 * Every JoinGroup completes at once (the joining member is the leader and sees its own
 * subscription plus any `otherMembers`), a first join gets MEMBER_ID_REQUIRED, and errors can be
 * queued per API so a test decides exactly when the group "rebalances" or "forgets" the member.
 */
import { Api } from '../../lib/protocol/api';
import { ErrorCode } from '../../lib/protocol/errors';
import { decodeAssignment } from '../../lib/group/consumer-protocol';
import { FakeBroker } from './fake-broker';

export interface OtherMember {
  memberId: string;
  metadata: Buffer;
}

export class FakeGroupCoordinator {
  generation = 0;
  private nextMemberNumber = 1;
  leader = '';
  /** Members besides the joining one that the leader is told about. */
  otherMembers: OtherMember[] = [];
  /** The protocol the coordinator picks; default: the joining member's first choice. */
  protocol: string | null = null;
  readonly joinErrors: number[] = [];
  readonly syncErrors: number[] = [];
  readonly heartbeatErrors: number[] = [];
  readonly commitErrors: number[] = [];
  readonly findErrors: number[] = [];
  /** Committed offsets by "topic-partition". */
  readonly committed = new Map<string, number>();
  /** The leader's last SyncGroup assignments, decoded, by member id. */
  assignments = new Map<string, { topic: string; partition: number }[]>();
  private coordinator: FakeBroker;

  constructor(brokers: FakeBroker[], coordinator: FakeBroker) {
    this.coordinator = coordinator;
    for (const b of brokers) this.serve(b);
  }

  /** From now on FindCoordinator names `broker`, and the old coordinator answers NOT_COORDINATOR. */
  moveTo(broker: FakeBroker): void {
    this.coordinator = broker;
  }

  private isCoordinator(broker: FakeBroker): boolean {
    return broker === this.coordinator;
  }

  private serve(broker: FakeBroker): void {
    const notCoordinator = ErrorCode.NOT_COORDINATOR.code;
    broker.on(Api.FindCoordinator, () => {
      const errorCode = this.findErrors.shift() ?? 0;
      const c = this.coordinator;
      return { throttleTimeMs: 0, errorCode, errorMessage: null, nodeId: c.nodeId, host: c.host, port: c.port };
    });
    broker.on(Api.JoinGroup, (req) => {
      const fail = (errorCode: number, memberId = req.memberId) => ({
        throttleTimeMs: 0, errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: [],
      });
      if (!this.isCoordinator(broker)) return fail(notCoordinator);
      const queued = this.joinErrors.shift();
      if (queued !== undefined) return fail(queued);
      if (req.memberId === '') return fail(ErrorCode.MEMBER_ID_REQUIRED.code, `member-${this.nextMemberNumber++}`);
      this.generation++;
      this.leader = req.memberId;
      return {
        throttleTimeMs: 0, errorCode: 0, generationId: this.generation, protocolType: 'consumer',
        protocolName: this.protocol ?? req.protocols[0].name, leader: req.memberId, memberId: req.memberId,
        members: [{ memberId: req.memberId, groupInstanceId: null, metadata: req.protocols[0].metadata },
          ...this.otherMembers.map((m) => ({ memberId: m.memberId, groupInstanceId: null, metadata: m.metadata }))],
      };
    });
    broker.on(Api.SyncGroup, (req) => {
      const reply = (errorCode: number, assignment: Buffer = Buffer.alloc(0)) => ({ throttleTimeMs: 0, errorCode, protocolType: 'consumer', protocolName: req.protocolName, assignment });
      if (!this.isCoordinator(broker)) return reply(notCoordinator);
      const queued = this.syncErrors.shift();
      if (queued !== undefined) return reply(queued);
      if (req.generationId !== this.generation) return reply(ErrorCode.ILLEGAL_GENERATION.code);
      this.assignments = new Map(req.assignments.map((a) => [a.memberId, decodeAssignment(a.assignment).partitions]));
      const mine = req.assignments.find((a) => a.memberId === req.memberId);
      return reply(0, mine ? mine.assignment : Buffer.alloc(0));
    });
    broker.on(Api.Heartbeat, (req) => {
      if (!this.isCoordinator(broker)) return { throttleTimeMs: 0, errorCode: notCoordinator };
      const queued = this.heartbeatErrors.shift();
      if (queued !== undefined) return { throttleTimeMs: 0, errorCode: queued };
      return { throttleTimeMs: 0, errorCode: req.generationId === this.generation ? 0 : ErrorCode.ILLEGAL_GENERATION.code };
    });
    broker.on(Api.LeaveGroup, (req) => ({
      throttleTimeMs: 0, errorCode: 0, members: req.members.map((m) => ({ ...m, errorCode: 0 })),
    }));
    broker.on(Api.OffsetCommit, (req) => {
      const queued = this.isCoordinator(broker) ? this.commitErrors.shift() : notCoordinator;
      const stale = req.generationId !== -1 && req.generationId !== this.generation;
      const errorCode = queued ?? (stale ? ErrorCode.ILLEGAL_GENERATION.code : 0);
      if (errorCode === 0) {
        for (const t of req.topics) for (const p of t.partitions) this.committed.set(`${t.name}-${p.partitionIndex}`, p.committedOffset);
      }
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
      };
    });
    broker.on(Api.OffsetFetch, (req) => ({
      throttleTimeMs: 0,
      errorCode: this.isCoordinator(broker) ? 0 : notCoordinator,
      topics: (req.topics ?? []).map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) => ({
          partitionIndex: p, committedOffset: this.committed.get(`${t.name}-${p}`) ?? -1, committedLeaderEpoch: -1, metadata: '', errorCode: 0,
        })),
      })),
    }));
  }
}
