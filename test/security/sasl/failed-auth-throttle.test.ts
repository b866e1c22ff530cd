import { expect } from 'chai';
import { FailedAuthenticationThrottle, MAX_FAILURES_PER_WINDOW, WINDOW_MS } from '../../../lib/security/sasl/failed-auth-throttle';

describe('security/sasl/failed-auth-throttle', () => {
  it('blocks an IP past the failures allowed in a window, and only until the window ends', () => {
    let now = 1000;
    const throttle = new FailedAuthenticationThrottle(() => now);
    for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i++) {
      expect(throttle.isBlocked('10.0.0.1')).to.equal(false);
      throttle.recordFailure('10.0.0.1');
    }
    expect(throttle.isBlocked('10.0.0.1')).to.equal(true);
    expect(throttle.isBlocked('10.0.0.2')).to.equal(false);
    now += WINDOW_MS;
    expect(throttle.isBlocked('10.0.0.1')).to.equal(false);
  });

  it('tracks a bounded number of IPs, evicting the least recently failing', () => {
    const throttle = new FailedAuthenticationThrottle(() => 0, 3);
    for (const ip of ['a', 'b', 'c', 'a', 'd']) throttle.recordFailure(ip);
    expect(throttle.trackedIps).to.equal(3);
    for (let i = 0; i < MAX_FAILURES_PER_WINDOW; i++) throttle.recordFailure('a');
    expect(throttle.isBlocked('a')).to.equal(true);
    throttle.recordFailure('e');
    throttle.recordFailure('f');
    throttle.recordFailure('g');
    expect(throttle.isBlocked('a')).to.equal(false);
    expect(throttle.trackedIps).to.equal(3);
  });
});
