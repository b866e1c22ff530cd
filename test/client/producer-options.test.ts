import { expect } from 'chai';
import { producerOptionsFromProperties, resolveProducerOptions } from '../../lib/client/producer-options';

const bootstrapServers = 'localhost:9092';

describe('client/producer-options idempotence rules', () => {
  it('turns idempotence on by default, as current Kafka does', () => {
    expect(resolveProducerOptions({ bootstrapServers }).enableIdempotence).to.equal(true);
    expect(resolveProducerOptions({ bootstrapServers, acks: 'all', retries: 3, maxInFlightRequestsPerConnection: 5 }).enableIdempotence).to.equal(true);
  });

  it('quietly leaves idempotence off when acks, retries or in-flight requests contradict it and it was not asked for', () => {
    expect(resolveProducerOptions({ bootstrapServers, acks: 0 }).enableIdempotence).to.equal(false);
    expect(resolveProducerOptions({ bootstrapServers, acks: 1 }).enableIdempotence).to.equal(false);
    expect(resolveProducerOptions({ bootstrapServers, retries: 0 }).enableIdempotence).to.equal(false);
    expect(resolveProducerOptions({ bootstrapServers, maxInFlightRequestsPerConnection: 6 }).enableIdempotence).to.equal(false);
  });

  it('refuses an explicit request for idempotence that those settings contradict, with Kafka\'s reasons', () => {
    const on = { bootstrapServers, enableIdempotence: true };
    expect(() => resolveProducerOptions({ ...on, acks: 1 })).to.throw('Must set acks to all in order to use the idempotent producer');
    expect(() => resolveProducerOptions({ ...on, retries: 0 })).to.throw('Must set retries to non-zero when using the idempotent producer');
    expect(() => resolveProducerOptions({ ...on, maxInFlightRequestsPerConnection: 6 })).to.throw('at most 5 to use the idempotent producer');
    try {
      resolveProducerOptions({ ...on, acks: 0 });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as { errorName: string }).errorName).to.equal('INVALID_CONFIG');
    }
  });

  it('honours enableIdempotence false with any acks', () => {
    expect(resolveProducerOptions({ bootstrapServers, enableIdempotence: false }).enableIdempotence).to.equal(false);
    expect(resolveProducerOptions({ bootstrapServers, enableIdempotence: false, acks: 1 }).enableIdempotence).to.equal(false);
  });

  it('carries enable.idempotence from Kafka properties, defaults and rules included', () => {
    const resolved = (props: Record<string, string>) => resolveProducerOptions(producerOptionsFromProperties({ 'bootstrap.servers': bootstrapServers, ...props }));
    expect(resolved({}).enableIdempotence).to.equal(true);
    expect(resolved({ acks: '1' }).enableIdempotence).to.equal(false);
    expect(resolved({ 'enable.idempotence': 'false' }).enableIdempotence).to.equal(false);
    expect(resolved({ 'enable.idempotence': 'true', acks: 'all' }).enableIdempotence).to.equal(true);
    expect(() => resolved({ 'enable.idempotence': 'true', acks: '0' })).to.throw(/Must set acks to all/);
  });
});
