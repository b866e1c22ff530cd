import { expect } from 'chai';
import { exponentialBackoffMs, needsMetadataRefresh, RetryPolicy } from '../../lib/client/retry-policy';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

describe('client/retry-policy', () => {
  describe('exponentialBackoffMs', () => {
    it('doubles from the initial value and stops at the maximum when jitter is off', () => {
      const values = [0, 1, 2, 3, 4, 5, 10].map((attempt) => exponentialBackoffMs(attempt, 100, 1000, 0));
      expect(values).to.deep.equal([100, 200, 400, 800, 1000, 1000, 1000]);
    });

    it('keeps jittered values within ±20% of the exponential term', () => {
      expect(exponentialBackoffMs(2, 100, 1000, 0.2, () => 0)).to.equal(320);
      expect(exponentialBackoffMs(2, 100, 1000, 0.2, () => 0.999999)).to.equal(480);
      for (let i = 0; i < 200; i++) {
        const v = exponentialBackoffMs(1, 50, 1000);
        expect(v).to.be.within(80, 120);
      }
    });

    it('is zero when the initial backoff is zero', () => {
      expect(exponentialBackoffMs(5, 0, 1000)).to.equal(0);
    });
  });

  describe('needsMetadataRefresh', () => {
    it('is true for errors that mean the routing changed and false otherwise', () => {
      for (const def of [ErrorCode.NOT_LEADER_FOR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NETWORK_EXCEPTION]) {
        expect(needsMetadataRefresh(def.code), def.name).to.equal(true);
      }
      for (const def of [ErrorCode.MESSAGE_TOO_LARGE, ErrorCode.REQUEST_TIMED_OUT, ErrorCode.CORRUPT_MESSAGE]) {
        expect(needsMetadataRefresh(def.code), def.name).to.equal(false);
      }
    });
  });

  describe('RetryPolicy', () => {
    const policy = new RetryPolicy({ retries: 3, retryBackoffMs: 100, retryBackoffMaxMs: 1000, deliveryTimeoutMs: 5000, jitter: 0 });
    const retriable = new SamsaError(ErrorCode.NOT_LEADER_FOR_PARTITION);

    it('retries a retriable error with a backoff that grows per attempt', () => {
      expect(policy.decide(retriable, 1, 0, 0)).to.deep.equal({ retry: true, delayMs: 100 });
      expect(policy.decide(retriable, 2, 0, 0)).to.deep.equal({ retry: true, delayMs: 200 });
      expect(policy.decide(retriable, 3, 0, 0)).to.deep.equal({ retry: true, delayMs: 400 });
    });

    it('gives up once the retries are used', () => {
      const d = policy.decide(retriable, 4, 0, 0);
      expect(d.retry).to.equal(false);
    });

    it('never retries a non-retriable error', () => {
      expect(policy.decide(new SamsaError(ErrorCode.MESSAGE_TOO_LARGE), 1, 0, 0).retry).to.equal(false);
      expect(policy.decide(new Error('boom'), 1, 0, 0).retry).to.equal(false);
    });

    it('gives up when the next attempt would fall after the delivery timeout', () => {
      expect(policy.decide(retriable, 1, 0, 4850).retry).to.equal(true);
      expect(policy.decide(retriable, 1, 0, 4950).retry).to.equal(false);
    });
  });
});
