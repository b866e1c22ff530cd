/**
 * Golden bytes for RecordBatch v2, laid out by hand from the format in
 * shared/reference/kafka-zk-mode.md section 4 (and docs/protocol.md), not produced by our encoder.
 */
import { expect } from 'chai';
import { crc32c } from '@node-rs/crc32';
import { decodeRecordBatch, encodeRecordBatch } from '../../lib/record/record-batch';

function hex(parts: string[]): Buffer {
  return Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex');
}

describe('record/record-batch golden bytes', () => {
  // Two records, CreateTime, no compression, producer fields left at -1.
  // r0: key "k", value "v1", header h="x", timestamp 1600000000000 (0x174876e8000)
  // r1: key null, value "v2", header h2=null, timestamp 1600000000005
  const record0 = [
    '1a', //       length 13 (zig-zag 26)
    '00', //       attributes
    '00', //       timestampDelta 0
    '00', //       offsetDelta 0
    '02 6b', //    keyLength 1, "k"
    '04 7631', //  valueLength 2, "v1"
    '02', //       headerCount 1
    '02 68', //    header keyLength 1, "h"
    '02 78', //    header valueLength 1, "x"
  ];
  const record1 = [
    '18', //       length 12
    '00', //       attributes
    '0a', //       timestampDelta 5
    '02', //       offsetDelta 1
    '01', //       keyLength -1 (null)
    '04 7632', //  valueLength 2, "v2"
    '02', //       headerCount 1
    '04 6832', //  header keyLength 2, "h2"
    '01', //       header valueLength -1 (null)
  ];
  const crc = '25c582b9';
  const expected = hex([
    '0000000000000000', // baseOffset 0
    '0000004c', //         batchLength 76 = 88 - 12
    'ffffffff', //         partitionLeaderEpoch -1
    '02', //               magic
    crc, //                crc: CRC-32C of attributes..end, checked below
    '0000', //             attributes: none, CreateTime, not transactional, not control
    '00000001', //         lastOffsetDelta 1
    '00000174876e8000', // firstTimestamp 1600000000000
    '00000174876e8005', // maxTimestamp 1600000000005
    'ffffffffffffffff', // producerId -1
    'ffff', //             producerEpoch -1
    'ffffffff', //         baseSequence -1
    '00000002', //         recordCount 2
    ...record0,
    ...record1,
  ]);

  it('has a CRC equal to CRC-32C of attributes through the end', () => {
    expect(expected.length).to.equal(88);
    expect(crc32c(Buffer.from('123456789')) >>> 0).to.equal(0xe3069283); // the CRC-32C check value
    expect((crc32c(expected.subarray(21)) >>> 0).toString(16).padStart(8, '0')).to.equal(crc);
  });

  it('is exactly what the encoder produces', () => {
    const encoded = encodeRecordBatch([
      { key: Buffer.from('k'), value: Buffer.from('v1'), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: 1600000000000 },
      { key: null, value: Buffer.from('v2'), headers: [{ key: 'h2', value: null }], timestamp: 1600000000005 },
    ]);
    expect(encoded.toString('hex')).to.equal(expected.toString('hex'));
  });

  it('decodes back to the records and header fields', () => {
    const batch = decodeRecordBatch(expected);
    expect(batch).to.include({
      baseOffset: 0, partitionLeaderEpoch: -1, magic: 2, crc: 0x25c582b9, attributes: 0, compression: 'none',
      timestampType: 'CreateTime', isTransactional: false, isControl: false, lastOffsetDelta: 1,
      firstTimestamp: 1600000000000, maxTimestamp: 1600000000005, producerId: -1, producerEpoch: -1,
      baseSequence: -1, recordCount: 2, sizeInBytes: 88,
    });
    expect(batch.records).to.have.length(2);
    const [r0, r1] = batch.records;
    expect(r0).to.include({ offset: 0, timestamp: 1600000000000, timestampType: 'CreateTime', leaderEpoch: -1 });
    expect(r0.key?.toString()).to.equal('k');
    expect(r0.value?.toString()).to.equal('v1');
    expect(r0.headers).to.have.length(1);
    expect(r0.headers[0].key).to.equal('h');
    expect(r0.headers[0].value?.toString()).to.equal('x');
    expect(r1).to.include({ offset: 1, timestamp: 1600000000005, key: null });
    expect(r1.value?.toString()).to.equal('v2');
    expect(r1.headers).to.deep.equal([{ key: 'h2', value: null }]);
  });

  // A transactional batch with producer fields set, an empty (not null) key, a null value, and a
  // second record older than the first (negative timestamp delta).
  const transactional = hex([
    '000000000000002a', // baseOffset 42
    '00000040', //         batchLength 64 = 76 - 12
    '00000007', //         partitionLeaderEpoch 7
    '02', //               magic
    '5fe4dada', //         crc
    '0010', //             attributes: transactional
    '00000001', //         lastOffsetDelta 1
    '00000000000003e8', // firstTimestamp 1000
    '00000000000003e8', // maxTimestamp 1000
    '00000000000003e8', // producerId 1000
    '0003', //             producerEpoch 3
    '00000011', //         baseSequence 17
    '00000002', //         recordCount 2
    '0c 00 00 00 00 01 00', //   r0: length 6, attrs, tsDelta 0, offsetDelta 0, key "", value null, 0 headers
    '0e 00 13 02 01 02 7a 00', // r1: length 7, attrs, tsDelta -10, offsetDelta 1, key null, value "z", 0 headers
  ]);

  it('encodes producer fields, attributes and negative timestamp deltas exactly', () => {
    expect((crc32c(transactional.subarray(21)) >>> 0).toString(16)).to.equal('5fe4dada');
    const encoded = encodeRecordBatch(
      [{ key: Buffer.alloc(0), value: null, timestamp: 1000 }, { key: null, value: Buffer.from('z'), timestamp: 990 }],
      { baseOffset: 42, partitionLeaderEpoch: 7, producerId: 1000, producerEpoch: 3, baseSequence: 17, transactional: true },
    );
    expect(encoded.toString('hex')).to.equal(transactional.toString('hex'));
  });

  it('decodes the transactional batch with offsets from its base offset', () => {
    const batch = decodeRecordBatch(transactional);
    expect(batch).to.include({
      baseOffset: 42, lastOffset: 43, partitionLeaderEpoch: 7, attributes: 0x10, isTransactional: true, isControl: false,
      producerId: 1000, producerEpoch: 3, baseSequence: 17, firstTimestamp: 1000, maxTimestamp: 1000,
    });
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.leaderEpoch])).to.deep.equal([[42, 1000, 7], [43, 990, 7]]);
    expect(batch.records[0].key?.length).to.equal(0);
    expect(batch.records[0].value).to.equal(null);
    expect(batch.records[1].key).to.equal(null);
    expect(batch.records[1].value?.toString()).to.equal('z');
  });
});
