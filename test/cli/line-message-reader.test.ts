import { expect } from 'chai';
import { LineMessageReader, LineParseError } from '../../lib/cli/line-message-reader';

describe('cli/line-message-reader', () => {
  it('turns a line into a value with a null key by default', () => {
    expect(new LineMessageReader().parse('a:b\tc', 1)).to.deep.equal({ key: null, value: 'a:b\tc', headers: [] });
  });

  it('splits key and value at the first key.separator when parse.key is true', () => {
    const reader = new LineMessageReader({ 'parse.key': 'true', 'key.separator': ':' });
    expect(reader.parse('user1:name:alice', 1)).to.deep.equal({ key: 'user1', value: 'name:alice', headers: [] });
  });

  it('uses a tab as the default key separator', () => {
    expect(new LineMessageReader({ 'parse.key': 'true' }).parse('k\tv', 1)).to.deep.equal({ key: 'k', value: 'v', headers: [] });
  });

  it("fails with Kafka's message when a line lacks the key separator", () => {
    const reader = new LineMessageReader({ 'parse.key': 'true', 'key.separator': ':' });
    expect(() => reader.parse('hhh', 2)).to.throw(LineParseError, "No key separator found on line number 2: 'hhh'");
  });

  it('keeps a line without separator as a value when ignore.error is true', () => {
    const reader = new LineMessageReader({ 'parse.key': 'true', 'key.separator': ':', 'ignore.error': 'true' });
    expect(reader.parse('plain', 3)).to.deep.equal({ key: null, value: 'plain', headers: [] });
  });

  it('parses headers before the key when parse.headers is true', () => {
    const reader = new LineMessageReader({ 'parse.headers': 'true', 'parse.key': 'true' });
    expect(reader.parse('h1:v1,h2:v2\tkey0\tvalue0', 1)).to.deep.equal({
      key: 'key0',
      value: 'value0',
      headers: [
        { key: 'h1', value: 'v1' },
        { key: 'h2', value: 'v2' },
      ],
    });
  });

  it('reports a header pair without a header key separator', () => {
    const reader = new LineMessageReader({ 'parse.headers': 'true' });
    expect(() => reader.parse('broken\tvalue', 4)).to.throw(LineParseError, "No header key separator found in pair 'broken' on line number 4");
  });

  it('turns the null.marker into null keys and values', () => {
    const reader = new LineMessageReader({ 'parse.key': 'true', 'key.separator': ':', 'null.marker': '<null>' });
    expect(reader.parse('<null>:<null>', 1)).to.deep.equal({ key: null, value: null, headers: [] });
  });
});
