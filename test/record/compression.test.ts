import { expect } from 'chai';
import * as zstd from 'zstd-napi';
import * as fc from 'fast-check';
import * as snappy from 'snappy';
import { CorruptRecordError, SamsaError } from '../../lib/protocol/errors';
import {
  COMPRESSION_IDS, COMPRESSION_TYPES, CompressionType, compress, compressionTypeFromId, compressionTypeFromName, decompress,
} from '../../lib/record/compression';
import { XERIAL_BLOCK_SIZE, xerialUncompress } from '../../lib/record/snappy-xerial';

const XERIAL_HEADER = '82534e415050590000000001' + '00000001';

function sample(size: number): Buffer {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buf[i] = (i * 31 + (i >> 7)) & 0xff;
  return buf;
}

describe('record/compression', () => {
  it('uses Kafka attribute ids 0..4', () => {
    expect(COMPRESSION_IDS).to.deep.equal({ none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 });
    for (const type of COMPRESSION_TYPES) expect(compressionTypeFromId(COMPRESSION_IDS[type])).to.equal(type);
  });

  it('treats unassigned codec ids as corruption', () => {
    for (const id of [5, 6, 7]) expect(() => compressionTypeFromId(id)).to.throw(CorruptRecordError, `codec id ${id}`);
  });

  it('parses codec names case-insensitively and rejects unknown ones clearly', () => {
    expect(compressionTypeFromName('lz4')).to.equal('lz4');
    expect(compressionTypeFromName(' GZIP ')).to.equal('gzip');
    expect(() => compressionTypeFromName('brotli')).to.throw(SamsaError, /unknown compression type "brotli"; expected one of none, gzip, snappy, lz4, zstd/);
  });

  for (const type of COMPRESSION_TYPES) {
    it(`round-trips empty, small and multi-block inputs with ${type}`, () => {
      for (const input of [Buffer.alloc(0), Buffer.from('hello hello hello'), sample(3 * XERIAL_BLOCK_SIZE + 123)]) {
        expect(decompress(type, compress(type, input)).equals(input)).to.equal(true);
      }
    });
  }

  it('round-trips arbitrary bytes with every codec', () => {
    fc.assert(fc.property(fc.constantFrom(...COMPRESSION_TYPES), fc.uint8Array({ maxLength: 2000 }), (type, bytes) => {
      const input = Buffer.from(bytes);
      expect(decompress(type, compress(type, input)).equals(input)).to.equal(true);
    }), { numRuns: 200 });
  });

  it('writes gzip, lz4 frame and zstd frame magics', () => {
    const input = Buffer.from('kafka kafka kafka');
    expect(compress('gzip', input).subarray(0, 2).toString('hex')).to.equal('1f8b');
    expect(compress('lz4', input).subarray(0, 4).toString('hex')).to.equal('04224d18');
    expect(compress('zstd', input).subarray(0, 4).toString('hex')).to.equal('28b52ffd');
  });

  it('frames lz4 with independent blocks and no checksums, as Kafka writes it', () => {
    const flg = compress('lz4', Buffer.from('x'))[4];
    expect(flg & 0xc0).to.equal(0x40); // version 01
    expect(flg & 0x20).to.equal(0x20); // block independence
    expect(flg & 0x14).to.equal(0); // no block or content checksum
  });

  describe('snappy (xerial framing)', () => {
    it('writes the xerial header and one length-prefixed raw block per 32 KiB', () => {
      const input = sample(XERIAL_BLOCK_SIZE + 10);
      const framed = compress('snappy', input);
      expect(framed.subarray(0, 16).toString('hex')).to.equal(XERIAL_HEADER);
      const first = framed.readInt32BE(16);
      const block1 = framed.subarray(20, 20 + first);
      expect((snappy.uncompressSync(block1) as Buffer).equals(input.subarray(0, XERIAL_BLOCK_SIZE))).to.equal(true);
      const secondAt = 20 + first;
      const second = framed.readInt32BE(secondAt);
      expect(secondAt + 4 + second).to.equal(framed.length);
      const block2 = framed.subarray(secondAt + 4);
      expect((snappy.uncompressSync(block2) as Buffer).equals(input.subarray(XERIAL_BLOCK_SIZE))).to.equal(true);
    });

    it('reads a raw snappy block without the xerial header', () => {
      const input = Buffer.from('written by a client that does not frame snappy');
      expect(decompress('snappy', snappy.compressSync(input)).equals(input)).to.equal(true);
    });

    it('reads a hand-framed xerial stream', () => {
      const block = snappy.compressSync(Buffer.from('abc'));
      const length = Buffer.alloc(4);
      length.writeInt32BE(block.length);
      const framed = Buffer.concat([Buffer.from(XERIAL_HEADER, 'hex'), length, block]);
      expect(xerialUncompress(framed).toString()).to.equal('abc');
    });

    it('reads two concatenated xerial streams', () => {
      const a = compress('snappy', Buffer.from('first '));
      const b = compress('snappy', Buffer.from('second'));
      expect(decompress('snappy', Buffer.concat([a, b])).toString()).to.equal('first second');
    });

    it('rejects a block length that runs past the input', () => {
      const framed = compress('snappy', Buffer.from('some data to compress'));
      expect(() => decompress('snappy', framed.subarray(0, framed.length - 1))).to.throw(CorruptRecordError, /declares/);
      expect(() => decompress('snappy', framed.subarray(0, 18))).to.throw(CorruptRecordError, /truncated/);
    });

    it('rejects a stream that needs a newer reader', () => {
      const framed = compress('snappy', Buffer.from('x'));
      framed.writeInt32BE(2, 12);
      expect(() => decompress('snappy', framed)).to.throw(CorruptRecordError, /version 2/);
    });
  });

  for (const type of ['gzip', 'snappy', 'lz4', 'zstd'] as CompressionType[]) {
    it(`reports undecodable ${type} data as CorruptRecordError`, () => {
      const garbage = Buffer.from('this is not compressed data at all, just text');
      expect(() => decompress(type, garbage)).to.throw(CorruptRecordError);
    });
  }

  it('still decompresses zstd after a truncated frame failed mid-stream', () => {
    const input = Buffer.from('abcdefghij'.repeat(20000));
    const frame = compress('zstd', input);
    // A frame without its content size takes the streaming path, which a truncation breaks mid-way.
    const compressor = new zstd.Compressor();
    compressor.setParameters({ contentSizeFlag: false });
    const streamed = compressor.compress(input);
    expect(() => decompress('zstd', streamed.subarray(0, streamed.length - 5))).to.throw(CorruptRecordError);
    expect(decompress('zstd', frame).equals(input)).to.equal(true);
    expect(decompress('zstd', streamed).equals(input)).to.equal(true);
  });
});
