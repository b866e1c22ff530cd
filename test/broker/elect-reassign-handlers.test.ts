import { expect } from 'chai';
import { electLeadersHandler, LeaderElector, PartitionOutcome } from '../../lib/broker/handlers/elect-leaders';
import type { TopicPartition } from '../../lib/util/topic-partition';
import {
  alterPartitionReassignmentsHandler, listPartitionReassignmentsHandler, OngoingReassignment, ReassignmentController, ReassignmentTarget,
} from '../../lib/broker/handlers/partition-reassignments';
import { Handler, RequestContext } from '../../lib/broker/request-context';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

/** No authorizer: every request allowed (authorization has its own tests under test/security/acl/). */
const OPEN = { authorizer: null };

const CTX = {} as RequestContext;

async function call<Req, Resp>(handler: Handler<Req, Resp>, request: Req): Promise<Resp> {
  const response = await handler(request, CTX);
  if (response === null) throw new Error('the handler sent no response');
  return response;
}

/** A stand-in for the broker's Controller that records what the handlers asked. */
class FakeController implements LeaderElector, ReassignmentController {
  isActive = true;
  readonly calls: unknown[] = [];
  hang = false;
  failWith: SamsaError | null = null;

  async electLeaders(type: 'preferred' | 'unclean', partitions: TopicPartition[] | null): Promise<PartitionOutcome[]> {
    this.calls.push({ type, partitions });
    return this.answer((partitions ?? [{ topic: 'a', partition: 0 }]).map((tp) => ({ ...tp, errorCode: tp.partition === 1 ? 84 : 0, errorMessage: null })));
  }

  async alterPartitionReassignments(reassignments: ReassignmentTarget[]): Promise<PartitionOutcome[]> {
    this.calls.push(reassignments);
    return this.answer(reassignments.map(({ topic, partition }) => ({ topic, partition, errorCode: 0, errorMessage: null })));
  }

  async listPartitionReassignments(partitions: TopicPartition[] | null): Promise<OngoingReassignment[]> {
    this.calls.push(partitions);
    return this.answer([{ topic: 't', partition: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }]);
  }

  private answer<T>(value: T): Promise<T> {
    if (this.failWith) return Promise.reject(this.failWith);
    if (this.hang) return new Promise<T>(() => undefined);
    return Promise.resolve(value);
  }
}

describe('broker/handlers elect-leaders and partition-reassignments', () => {
  it('passes an election to the controller and groups the results by topic', async () => {
    const controller = new FakeController();
    const response = await call(electLeadersHandler(() => controller, OPEN),
      { electionType: 0, topicPartitions: [{ topic: 't', partitions: [0, 1] }, { topic: 'u', partitions: [0] }], timeoutMs: 1000 });
    expect(controller.calls).to.deep.equal([{ type: 'preferred', partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }, { topic: 'u', partition: 0 }] }]);
    expect(response).to.deep.equal({
      throttleTimeMs: 0,
      errorCode: 0,
      replicaElectionResults: [
        { topic: 't', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }, { partitionId: 1, errorCode: 84, errorMessage: null }] },
        { topic: 'u', partitionResult: [{ partitionId: 0, errorCode: 0, errorMessage: null }] },
      ],
    });
  });

  it('asks for every partition when the topic list is null, and for an unclean election with type 1', async () => {
    const controller = new FakeController();
    await call(electLeadersHandler(() => controller, OPEN), { electionType: 1, topicPartitions: null, timeoutMs: 1000 });
    expect(controller.calls).to.deep.equal([{ type: 'unclean', partitions: null }]);
  });

  it('answers NOT_CONTROLLER on a broker that is not the active controller, without calling it', async () => {
    const inactive = new FakeController();
    inactive.isActive = false;
    const elect = await call(electLeadersHandler(() => inactive, OPEN), { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
    expect(elect.errorCode).to.equal(ErrorCode.NOT_CONTROLLER.code);
    const alter = await call(alterPartitionReassignmentsHandler(() => null, OPEN), { timeoutMs: 1000, topics: [] });
    expect(alter.errorCode).to.equal(ErrorCode.NOT_CONTROLLER.code);
    const list = await call(listPartitionReassignmentsHandler(() => inactive, OPEN), { timeoutMs: 1000, topics: null });
    expect(list.errorCode).to.equal(ErrorCode.NOT_CONTROLLER.code);
    expect(inactive.calls).to.have.length(0);
  });

  it('rejects an unknown election type as an invalid request', async () => {
    const controller = new FakeController();
    const response = await call(electLeadersHandler(() => controller, OPEN), { electionType: 7, topicPartitions: null, timeoutMs: 1000 });
    expect(response.errorCode).to.equal(ErrorCode.INVALID_REQUEST.code);
    expect(controller.calls).to.have.length(0);
  });

  it('turns reassignments and cancellations into controller targets and answers per partition', async () => {
    const controller = new FakeController();
    const response = await call(alterPartitionReassignmentsHandler(() => controller, OPEN), {
      timeoutMs: 1000,
      topics: [{ name: 't', partitions: [{ partitionIndex: 0, replicas: [2, 3] }, { partitionIndex: 1, replicas: null }] }],
    });
    expect(controller.calls).to.deep.equal([[{ topic: 't', partition: 0, replicas: [2, 3] }, { topic: 't', partition: 1, replicas: null }]]);
    expect(response.errorCode).to.equal(0);
    expect(response.responses).to.deep.equal([{ name: 't', partitions: [
      { partitionIndex: 0, errorCode: 0, errorMessage: null }, { partitionIndex: 1, errorCode: 0, errorMessage: null }] }]);
  });

  it('lists ongoing reassignments with their adding and removing replicas', async () => {
    const controller = new FakeController();
    const response = await call(listPartitionReassignmentsHandler(() => controller, OPEN), { timeoutMs: 1000, topics: [{ name: 't', partitionIndexes: [0] }] });
    expect(controller.calls).to.deep.equal([[{ topic: 't', partition: 0 }]]);
    expect(response.topics).to.deep.equal([{ name: 't', partitions: [{ partitionIndex: 0, replicas: [1, 2, 3], addingReplicas: [3], removingReplicas: [1] }] }]);
  });

  it('reports a controller failure as a top-level error with its message, without the code name', async () => {
    const controller = new FakeController();
    controller.failWith = new SamsaError(ErrorCode.NOT_CONTROLLER, 'broker 1 is not the controller');
    const response = await call(alterPartitionReassignmentsHandler(() => controller, OPEN), { timeoutMs: 1000, topics: [] });
    expect(response.errorCode).to.equal(ErrorCode.NOT_CONTROLLER.code);
    expect(response.errorMessage).to.equal('broker 1 is not the controller');
  });

  it('gives up waiting on the controller after the request\'s timeout', async () => {
    const controller = new FakeController();
    controller.hang = true;
    const started = Date.now();
    const response = await call(listPartitionReassignmentsHandler(() => controller, OPEN), { timeoutMs: 50, topics: null });
    expect(response.errorCode).to.equal(ErrorCode.REQUEST_TIMED_OUT.code);
    expect(Date.now() - started).to.be.below(2000);
  });
});
