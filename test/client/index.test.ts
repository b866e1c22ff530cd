import { expect } from 'chai';
import * as samsa from '../../lib/index';

describe('client/index', () => {
  it('exports the client classes, the error types and the compression names', () => {
    expect(samsa.Admin).to.be.a('function');
    expect(samsa.Producer).to.be.a('function');
    expect(samsa.Consumer).to.be.a('function');
    expect(new samsa.SamsaError(samsa.ErrorCode.TOPIC_ALREADY_EXISTS)).to.be.instanceOf(Error);
    expect(samsa.COMPRESSION_TYPES).to.deep.equal(['none', 'gzip', 'snappy', 'lz4', 'zstd']);
  });
});
