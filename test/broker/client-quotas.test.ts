import { expect } from 'chai';
import { ClientQuotaManager, ClientQuotas } from '../../lib/broker/client-quotas';
import { parseQuotaEntity, quotaValueString } from '../../lib/broker/client-quota-config';
import { entityOfChange } from '../../lib/broker/client-quota-follower';
import { throttleTimeMs, WindowedRate } from '../../lib/broker/quota-rate';
import { SamsaError } from '../../lib/protocol/errors';

const WINDOW = { numSamples: 11, windowMs: 1000 };

describe('broker/client-quotas', () => {
  describe('WindowedRate', () => {
    it('divides by at least (samples - 1) windows, as Kafka\'s Rate does', () => {
      const rate = new WindowedRate(11, 1000);
      rate.record(10_000, 0);
      expect(rate.windowSizeMs(0)).to.equal(10_000);
      expect(rate.measure(0)).to.equal(1000);
      expect(rate.windowSizeMs(2500)).to.equal(2500 + 8 * 1000);
    });

    it('forgets samples older than samples x window', () => {
      const rate = new WindowedRate(2, 1000);
      rate.record(5000, 0);
      expect(rate.measure(1500)).to.be.greaterThan(0);
      expect(rate.measure(2000)).to.equal(0);
    });

    it('computes Kafka\'s throttle time: (rate - bound) / bound x window', () => {
      const rate = new WindowedRate(11, 1000);
      rate.record(20_000, 0);
      // 20000 B over a 10 s window is 2000 B/s, twice a 1000 B/s bound: 10 s of silence brings it back.
      expect(throttleTimeMs(rate, 1000, 0)).to.equal(10_000);
      expect(throttleTimeMs(rate, 2000, 0)).to.equal(0);
    });
  });

  describe('ClientQuotaManager precedence', () => {
    it('takes the most specific of the eight levels, user+client first, clients/<default> last', () => {
      const m = new ClientQuotaManager('produce', WINDOW);
      m.setQuota({ clientId: '<default>' }, 8);
      expect(m.quotaFor('alice', 'app')).to.equal(8);
      m.setQuota({ clientId: 'app' }, 7);
      expect(m.quotaFor('alice', 'app')).to.equal(7);
      m.setQuota({ user: '<default>' }, 6);
      expect(m.quotaFor('alice', 'app')).to.equal(6);
      m.setQuota({ user: '<default>', clientId: '<default>' }, 5);
      expect(m.quotaFor('alice', 'app')).to.equal(5);
      m.setQuota({ user: '<default>', clientId: 'app' }, 4);
      expect(m.quotaFor('alice', 'app')).to.equal(4);
      m.setQuota({ user: 'alice' }, 3);
      expect(m.quotaFor('alice', 'app')).to.equal(3);
      m.setQuota({ user: 'alice', clientId: '<default>' }, 2);
      expect(m.quotaFor('alice', 'app')).to.equal(2);
      m.setQuota({ user: 'alice', clientId: 'app' }, 1);
      expect(m.quotaFor('alice', 'app')).to.equal(1);
      // Another user falls to the defaults for users with a client id.
      expect(m.quotaFor('bob', 'app')).to.equal(4);
      expect(m.quotaFor('bob', 'other')).to.equal(5);
      m.setQuota({ user: 'alice', clientId: 'app' }, undefined);
      expect(m.quotaFor('alice', 'app')).to.equal(2);
    });

    it('shares one sensor among the client ids of a user whose quota is set on the user alone', () => {
      const m = new ClientQuotaManager('produce', WINDOW);
      m.setQuota({ user: 'alice' }, 1000);
      expect(m.recordAndGetThrottleTimeMs('alice', 'a', 8000, 0)).to.equal(0);
      // Together the two client ids are over 10 s x 1000 B/s.
      expect(m.recordAndGetThrottleTimeMs('alice', 'b', 4000, 0)).to.equal(2000);
      // bob has no quota at all.
      expect(m.recordAndGetThrottleTimeMs('bob', 'a', 1e9, 0)).to.equal(0);
    });

    it('caps request-quota throttles at one window and reads quotas from entity configs', () => {
      const quotas = new ClientQuotas(WINDOW);
      quotas.applyEntityConfig({ clientId: 'busy' }, { request_percentage: '1.0', SCRAM_IGNORED: 'x', producer_byte_rate: '1024' });
      expect(quotas.request.quotaFor('ANONYMOUS', 'busy')).to.equal(1);
      expect(quotas.produce.quotaFor('ANONYMOUS', 'busy')).to.equal(1024);
      expect(quotas.fetch.enabled).to.equal(false);
      expect(quotas.request.recordAndGetThrottleTimeMs('ANONYMOUS', 'busy', 1e6, 0)).to.equal(1000);
      quotas.applyEntityConfig({ clientId: 'busy' }, {});
      expect(quotas.request.enabled).to.equal(false);
    });
  });

  describe('quota entities and values', () => {
    it('parses API entities, null names being the default, and refuses duplicates and unknown types', () => {
      expect(parseQuotaEntity([{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }]))
        .to.deep.equal({ user: 'alice', clientId: '<default>' });
      expect(() => parseQuotaEntity([{ entityType: 'user', entityName: 'a' }, { entityType: 'user', entityName: 'b' }])).to.throw(SamsaError, /Duplicate user/);
      expect(() => parseQuotaEntity([{ entityType: 'group', entityName: 'g' }])).to.throw(SamsaError, /entity type: group/);
      expect(() => parseQuotaEntity([])).to.throw(SamsaError, /empty/);
    });

    it('writes values as Kafka does and refuses a fraction for a LONG key or a non-positive value', () => {
      expect(quotaValueString('producer_byte_rate', 1048576)).to.equal('1048576');
      expect(quotaValueString('request_percentage', 50)).to.equal('50.0');
      expect(quotaValueString('request_percentage', 12.5)).to.equal('12.5');
      expect(quotaValueString('request_percentage', 0.0001)).to.equal('1.0E-4');
      expect(quotaValueString('controller_mutation_rate', 15_000_000)).to.equal('1.5E7');
      expect(() => quotaValueString('producer_byte_rate', 1.5)).to.throw(SamsaError, /producer_byte_rate must be a LONG/);
      expect(() => quotaValueString('consumer_byte_rate', 0)).to.throw(SamsaError, /consumer_byte_rate must be a positive/);
      expect(() => quotaValueString('bogus_rate', 1)).to.throw(SamsaError, /Invalid configuration key bogus_rate/);
    });

    it('maps change notifications to entities, nested user+client paths included', () => {
      expect(entityOfChange({ type: 'users', znodeName: 'alice%40x/clients/%3Cdefault%3E', name: null })).to.deep.equal({ user: 'alice@x', clientId: '<default>' });
      expect(entityOfChange({ type: 'users', znodeName: '<default>/clients/app', name: null })).to.deep.equal({ user: '<default>', clientId: 'app' });
      expect(entityOfChange({ type: 'clients', znodeName: 'app', name: 'app' })).to.deep.equal({ clientId: 'app' });
      expect(entityOfChange({ type: 'users', znodeName: 'a/b', name: null })).to.equal(undefined);
    });
  });
});
