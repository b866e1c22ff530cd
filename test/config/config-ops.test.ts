import { expect } from 'chai';
import { applyConfigOps, ListKeyInfo } from '../../lib/config/config-ops';
import { ErrorCode } from '../../lib/protocol/errors';

const keys: Record<string, ListKeyInfo> = {
  'follower.replication.throttled.replicas': { isList: true, defaultValue: '' },
  'cleanup.policy': { isList: true, defaultValue: 'delete' },
  'retention.ms': { isList: false, defaultValue: '604800000' },
};
const info = (name: string): ListKeyInfo | undefined => keys[name];
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

describe('config/config-ops', () => {
  it('sets and deletes keys without touching the others or the input', () => {
    const current = { 'retention.ms': '1000', 'segment.bytes': '2048' };
    const next = applyConfigOps(current, [
      { name: 'retention.ms', configOperation: SET, value: '5000' },
      { name: 'segment.bytes', configOperation: DELETE, value: null },
      { name: 'absent.key', configOperation: DELETE, value: null },
    ], info);
    expect(next).to.deep.equal({ 'retention.ms': '5000' });
    expect(current).to.deep.equal({ 'retention.ms': '1000', 'segment.bytes': '2048' });
  });

  it('appends to a list key, starting from its default when unset, each value once', () => {
    expect(applyConfigOps({}, [{ name: 'cleanup.policy', configOperation: APPEND, value: 'compact' }], info)).to.deep.equal({ 'cleanup.policy': 'delete,compact' });
    expect(applyConfigOps({ 'follower.replication.throttled.replicas': '0:1' }, [
      { name: 'follower.replication.throttled.replicas', configOperation: APPEND, value: '0:1,1:2' },
    ], info)).to.deep.equal({ 'follower.replication.throttled.replicas': '0:1,1:2' });
  });

  it('subtracts from a list key and removes the key when nothing is left', () => {
    const current = { 'follower.replication.throttled.replicas': '0:1,1:2,2:3' };
    expect(applyConfigOps(current, [{ name: 'follower.replication.throttled.replicas', configOperation: SUBTRACT, value: '1:2,9:9' }], info))
      .to.deep.equal({ 'follower.replication.throttled.replicas': '0:1,2:3' });
    expect(applyConfigOps(current, [{ name: 'follower.replication.throttled.replicas', configOperation: SUBTRACT, value: '0:1,1:2,2:3' }], info))
      .to.deep.equal({});
  });

  it('refuses APPEND and SUBTRACT on a scalar or unknown key, naming it', () => {
    expect(() => applyConfigOps({}, [{ name: 'retention.ms', configOperation: APPEND, value: '1' }], info))
      .to.throw('Config value append is not allowed for config key: retention.ms').with.property('code', ErrorCode.INVALID_REQUEST.code);
    expect(() => applyConfigOps({}, [{ name: 'nope', configOperation: SUBTRACT, value: '1' }], info))
      .to.throw('Config value subtract is not allowed for config key: nope');
  });

  it('refuses a key named twice, an unknown operation and a SET without a value', () => {
    expect(() => applyConfigOps({}, [
      { name: 'retention.ms', configOperation: SET, value: '1' }, { name: 'retention.ms', configOperation: DELETE, value: null },
    ], info)).to.throw('Error due to duplicate config keys: retention.ms');
    expect(() => applyConfigOps({}, [{ name: 'retention.ms', configOperation: 7, value: '1' }], info)).to.throw('Unknown config operation 7');
    expect(() => applyConfigOps({}, [{ name: 'retention.ms', configOperation: SET, value: null }], info)).to.throw('Null value not supported');
  });
});
