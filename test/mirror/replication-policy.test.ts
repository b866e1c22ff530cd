import { expect } from 'chai';
import { parseMirrorConfig } from '../../lib/mirror/mirror-config';
import { ReplicationPolicy } from '../../lib/mirror/replication-policy';
import { ConfigError } from '../../lib/config/config-error';

describe('mirror/replication-policy and mirror-config', () => {
  it('keeps topic names without an alias and prefixes <alias><separator> with one', () => {
    const plain = new ReplicationPolicy('orders.*', parseMirrorConfig({}));
    expect(plain.remoteTopic('orders')).to.equal('orders');
    expect(plain.checkpointsTopic).to.equal('checkpoints.internal');
    expect(plain.offsetSyncsTopic).to.equal('mm2-offset-syncs.target.internal');
    const east = new ReplicationPolicy('orders.*', parseMirrorConfig({ 'source.cluster.alias': 'east', 'replication.policy.separator': '_' }));
    expect(east.remoteTopic('orders')).to.equal('east_orders');
    expect(east.upstreamTopic('east_orders')).to.equal('orders');
    expect(east.upstreamTopic('west_orders')).to.equal(null);
    expect(east.checkpointsTopic).to.equal('east.checkpoints.internal');
  });

  it('matches --include against the whole name, with , separating alternatives, and never internal topics', () => {
    const p = new ReplicationPolicy('orders.*, pay', parseMirrorConfig({}));
    expect(p.shouldMirror('orders')).to.equal(true);
    expect(p.shouldMirror('orders-eu')).to.equal(true);
    expect(p.shouldMirror('pay')).to.equal(true);
    expect(p.shouldMirror('payments')).to.equal(false);
    expect(p.shouldMirror('my-orders')).to.equal(false);
    const all = new ReplicationPolicy('.*', parseMirrorConfig({}));
    for (const t of ['__consumer_offsets', 'mm2-offset-syncs.target.internal', 'east.checkpoints.internal', 'x.replica']) {
      expect(all.shouldMirror(t), t).to.equal(false);
    }
  });

  it('has MM2\'s defaults', () => {
    const c = parseMirrorConfig({});
    expect(c['sync.topic.configs.enabled']).to.equal(true);
    expect(c['emit.checkpoints.enabled']).to.equal(true);
    expect(c['emit.checkpoints.interval.seconds']).to.equal(60);
    expect(c['sync.group.offsets.enabled']).to.equal(false);
    expect(c['replication.policy.separator']).to.equal('.');
    expect(c['offset.lag.max']).to.equal(100);
  });

  it('refuses unknown keys, bad numbers, bad regexes and bad aliases naming the key', () => {
    expect(() => parseMirrorConfig({ 'emit.checkpoint.enabled': 'true' })).to.throw(ConfigError, /Unknown MirrorMaker configuration 'emit.checkpoint.enabled'/);
    expect(() => parseMirrorConfig({ 'emit.checkpoints.interval.seconds': '0' })).to.throw(ConfigError, /emit.checkpoints.interval.seconds/);
    expect(() => parseMirrorConfig({ groups: 'a(' })).to.throw(ConfigError, /groups/);
    expect(() => parseMirrorConfig({ 'source.cluster.alias': 'a/b' })).to.throw(ConfigError, /source.cluster.alias/);
    expect(() => parseMirrorConfig({ 'replication.factor': '0' })).to.throw(ConfigError, /replication.factor/);
  });
});
