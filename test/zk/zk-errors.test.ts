import { expect } from 'chai';
import * as zookeeper from 'node-zookeeper-client';
import { installLibraryGuards, pinLastOpVersion } from '../../lib/zk/node-zk-compat';
import { isZkError, toZkError, zkCodeName, ZkError, zkErrorForCode } from '../../lib/zk/zk-errors';

describe('zk/zk-errors', () => {
  it('names ZooKeeper\'s numeric codes', () => {
    expect(zkCodeName(-101)).to.equal('NO_NODE');
    expect(zkCodeName(-110)).to.equal('NODE_EXISTS');
    expect(zkCodeName(-103)).to.equal('BAD_VERSION');
    expect(zkCodeName(-111)).to.equal('NOT_EMPTY');
    expect(zkCodeName(-4)).to.equal('CONNECTION_LOSS');
    expect(zkCodeName(-112)).to.equal('SESSION_EXPIRED');
    expect(zkCodeName(-127)).to.equal('THROTTLED_OP');
  });

  it('maps an unknown code to UNKNOWN and keeps the number', () => {
    const err = zkErrorForCode(-999, 'getData', '/a');
    expect(err.code).to.equal('UNKNOWN');
    expect(err.zkCode).to.equal(-999);
    expect(err.message).to.equal('getData /a failed: unknown ZooKeeper error code -999');
  });

  it('marks connection problems retriable and node conflicts not', () => {
    expect(new ZkError('CONNECTION_LOSS', 'x').retriable).to.equal(true);
    expect(new ZkError('NODE_EXISTS', 'x').retriable).to.equal(false);
    expect(new ZkError('NODE_EXISTS', 'x').zkCode).to.equal(-110);
    expect(new ZkError('CLIENT_CLOSED', 'x').zkCode).to.equal(null);
  });

  it('converts the library\'s exceptions and assertion errors', () => {
    const fromLibrary = toZkError(libraryException(-101), 'getData', '/x');
    expect(fromLibrary.code).to.equal('NO_NODE');
    expect(fromLibrary.path).to.equal('/x');
    let assertion: unknown;
    try {
      zookeeper.createClient('127.0.0.1:1').getData('no-leading-slash', () => undefined);
    } catch (err) {
      assertion = err;
    }
    const bad = toZkError(assertion, 'getData', 'no-leading-slash');
    expect(bad.code).to.equal('BAD_ARGUMENTS');
    expect(bad.message).to.match(/must start with \//);
    expect(toZkError(new Error('boom'), 'create').code).to.equal('SYSTEM_ERROR');
  });

  it('tells ZkErrors apart by code', () => {
    const err = new ZkError('BAD_VERSION', 'x');
    expect(isZkError(err)).to.equal(true);
    expect(isZkError(err, 'NO_NODE', 'BAD_VERSION')).to.equal(true);
    expect(isZkError(err, 'NO_NODE')).to.equal(false);
    expect(isZkError(new Error('x'))).to.equal(false);
  });

  describe('library guards', () => {
    it('lets the library build an exception for a code it does not know instead of throwing', () => {
      installLibraryGuards();
      const created = libraryException(-118);
      expect(created.getCode()).to.equal(-118);
      expect(toZkError(created, 'multi').code).to.equal('SESSION_MOVED');
      expect(toZkError(libraryException(-555), 'multi').code).to.equal('UNKNOWN');
    });

    it('keeps version 0 in a transaction instead of turning it into -1', () => {
      const client = zookeeper.createClient('127.0.0.1:1');
      const transaction = client.transaction();
      transaction.check('/a', 0);
      expect((transaction as unknown as { ops: Array<{ version: number }> }).ops[0].version).to.equal(-1); // the library's bug
      pinLastOpVersion(transaction, 0);
      expect((transaction as unknown as { ops: Array<{ version: number }> }).ops[0].version).to.equal(0);
    });
  });
});

function libraryException(code: number): { getCode(): number; code: number } {
  return (zookeeper.Exception as unknown as { create(code: number): { getCode(): number; code: number } }).create(code);
}
