import { expect } from 'chai';
import { StartupGate } from '../../lib/broker/startup-gate';
import { RequestContext } from '../../lib/broker/request-context';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

const ctx = {} as RequestContext;

describe('broker/startup-gate', () => {
  it('holds requests until the gate opens, then answers them in full', async () => {
    const gate = new StartupGate(1, 10000);
    const handler = gate.guard((n: number) => n * 2);
    const held = handler(21, ctx) as Promise<number>;
    expect(held).to.be.instanceOf(Promise);
    expect(gate.heldCount).to.equal(1);
    gate.openGate();
    expect(await held).to.equal(42);
    expect(gate.heldCount).to.equal(0);
  });

  it('adds no work once open: the handler answers synchronously', () => {
    const gate = new StartupGate(1, 10000);
    gate.openGate();
    expect(gate.guard((n: number) => n + 1)(1, ctx)).to.equal(2);
  });

  it('answers a request held past its bound with a retriable LEADER_NOT_AVAILABLE', async () => {
    const gate = new StartupGate(3, 20);
    const err = await (gate.guard(() => 'never')(undefined, ctx) as Promise<string>).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(SamsaError);
    expect((err as SamsaError).code).to.equal(ErrorCode.LEADER_NOT_AVAILABLE.code);
    expect((err as SamsaError).retriable).to.equal(true);
    expect((err as SamsaError).message).to.contain('Broker 3 is starting');
    expect(gate.heldCount).to.equal(0);
  });

  it('releases held requests with an error when the broker stops before it was ready', async () => {
    const gate = new StartupGate(1, 10000);
    const held = (gate.guard(() => 'never')(undefined, ctx) as Promise<string>).catch((e: unknown) => e);
    gate.shut('the broker is shutting down');
    expect(((await held) as SamsaError).message).to.contain('shutting down');
    const later = await (gate.guard(() => 'never')(undefined, ctx) as Promise<string>).catch((e: unknown) => e);
    expect(later).to.be.instanceOf(SamsaError);
  });
});
