import { expect } from 'chai';
import { SamsaError } from '../../lib/protocol/errors';
import { AssertionError, assert, assertNever, isAssertionError } from '../../lib/util/assert';

describe('util/assert', () => {
  it('does nothing when the condition holds', () => {
    expect(() => assert(true, 'never shown')).not.to.throw();
  });

  it('throws an AssertionError whose message reads as a bug', () => {
    let caught: unknown;
    try {
      assert(1 > 2, 'one is greater than two');
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(AssertionError);
    expect(caught).to.be.instanceOf(Error);
    expect(caught).not.to.be.instanceOf(SamsaError);
    expect((caught as Error).name).to.equal('AssertionError');
    expect((caught as Error).message).to.equal('Invariant violated: one is greater than two');
  });

  it('builds a lazy message only when the check fails', () => {
    let built = 0;
    const message = (): string => {
      built++;
      return 'lazy';
    };
    assert(true, message);
    expect(built).to.equal(0);
    expect(() => assert(false, message)).to.throw(AssertionError, 'Invariant violated: lazy');
    expect(built).to.equal(1);
  });

  it('narrows the type after the check', () => {
    const value: string | null = 'x' as string | null;
    assert(value !== null, 'value is set');
    // Compiles only because assert narrowed `value` to string.
    expect(value.length).to.equal(1);
  });

  it('rejects an unreachable switch branch at run time', () => {
    type Kind = 'a' | 'b';
    const describe = (k: Kind): string => {
      switch (k) {
        case 'a': return 'A';
        case 'b': return 'B';
        default: return assertNever(k, 'kind');
      }
    };
    expect(describe('a')).to.equal('A');
    expect(() => describe('c' as Kind)).to.throw(AssertionError, 'unexpected kind: c');
  });

  it('tells assertion failures from other errors', () => {
    expect(isAssertionError(new AssertionError('x'))).to.equal(true);
    expect(isAssertionError(new Error('x'))).to.equal(false);
    expect(isAssertionError('x')).to.equal(false);
  });
});
