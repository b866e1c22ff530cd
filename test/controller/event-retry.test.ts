import { expect } from 'chai';
import { EVENT_RETRY_BACKOFF_MAX_MS, EVENT_RETRY_BACKOFF_MS, eventRetryDelayMs } from '../../lib/controller/event-retry';

describe('controller/event-retry', () => {
  const noJitter = () => 0.5;

  it('doubles the pause with every failed attempt of an event, up to the cap', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 10, 50].map((attempt) => eventRetryDelayMs({}, attempt, noJitter));
    expect(delays).to.deep.equal([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(delays[0]).to.equal(EVENT_RETRY_BACKOFF_MS);
    expect(delays[delays.length - 1]).to.equal(EVENT_RETRY_BACKOFF_MAX_MS);
  });

  it('follows configured settings and never caps below the first pause', () => {
    expect(eventRetryDelayMs({ eventRetryBackoffMs: 200, eventRetryBackoffMaxMs: 500 }, 5, noJitter)).to.equal(500);
    expect(eventRetryDelayMs({ eventRetryBackoffMs: 200, eventRetryBackoffMaxMs: 50 }, 3, noJitter)).to.equal(200);
  });

  it('jitters by at most a fifth either way', () => {
    expect(eventRetryDelayMs({}, 0, () => 0)).to.equal(800);
    expect(eventRetryDelayMs({}, 0, () => 0.999999)).to.be.within(1199, 1200);
  });
});
