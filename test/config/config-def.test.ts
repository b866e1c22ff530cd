import { expect } from 'chai';
import fc from 'fast-check';
import {
  booleanKey, doubleKey, enumKey, intKey, listKey, longKey, parseConfig, parseValue, stringKey,
} from '../../lib/config/config-def';
import { renderConfigDocs } from '../../lib/config/config-docs';
import { ConfigError } from '../../lib/config/config-error';
import { atLeast, between, listOf, nonEmptyList, nonEmptyString } from '../../lib/config/validators';
import { ErrorCode, SamsaError } from '../../lib/protocol/errors';

const defs = {
  'needed.int': intKey({ validate: atLeast(0), importance: 'HIGH', doc: 'required' }),
  'some.long': longKey({ default: 10, importance: 'LOW', doc: 'long' }),
  'some.double': doubleKey({ default: 0.5, validate: between(0, 1), importance: 'LOW', doc: 'ratio' }),
  'some.flag': booleanKey({ default: false, importance: 'LOW', doc: 'flag' }),
  'some.name': stringKey({ default: 'x', validate: nonEmptyString(), importance: 'LOW', doc: 'name' }),
  'some.list': listKey({ default: ['a'], importance: 'LOW', doc: 'list' }),
  'maybe.int': intKey({ default: null, importance: 'LOW', doc: 'nullable' }),
  'some.level': enumKey(['info', 'debug'], { default: 'info', caseInsensitive: true, importance: 'LOW', doc: 'level' }),
  'some.policy': enumKey(['delete', 'compact'], { default: 'delete', importance: 'LOW', doc: 'policy' }),
  'old.knob': intKey({ default: 3, importance: 'LOW', ignored: true, doc: 'ignored' }),
};

function invalid(name: string, raw: string | number | boolean | string[]): ConfigError {
  try {
    parseConfig(defs, { 'needed.int': '1', [name]: raw });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${name}=${String(raw)} to be rejected`);
}

describe('config/config-def', () => {
  it('applies defaults for keys that are not set', () => {
    const { values } = parseConfig(defs, { 'needed.int': '5' });
    expect(values['needed.int']).to.equal(5);
    expect(values['some.long']).to.equal(10);
    expect(values['some.list']).to.deep.equal(['a']);
    expect(values['maybe.int']).to.equal(null);
  });

  it('converts strings the way Kafka does: trimmed, case-insensitive booleans, comma lists', () => {
    const { values } = parseConfig(defs, new Map([
      ['needed.int', ' 42 '], ['some.long', '-9'], ['some.double', '1e-1'], ['some.flag', 'TRUE'],
      ['some.name', '  spaced  '], ['some.list', ' a , b,,c, '], ['some.level', 'DEBUG'],
    ]));
    expect(values).to.include({ 'needed.int': 42, 'some.long': -9, 'some.double': 0.1, 'some.flag': true, 'some.name': 'spaced', 'some.level': 'debug' });
    expect(values['some.list']).to.deep.equal(['a', 'b', 'c']);
  });

  it('accepts typed JS values as well as strings', () => {
    const { values } = parseConfig(defs, { 'needed.int': 3, 'some.flag': true, 'some.list': ['x', 'y'] });
    expect(values['needed.int']).to.equal(3);
    expect(values['some.flag']).to.equal(true);
    expect(values['some.list']).to.deep.equal(['x', 'y']);
  });

  it('treats null and undefined values as not set', () => {
    const { values, providedKeys } = parseConfig(defs, { 'needed.int': '1', 'some.long': undefined, 'maybe.int': null });
    expect(values['some.long']).to.equal(10);
    expect(providedKeys.has('some.long')).to.equal(false);
  });

  it('names a missing required key the way Kafka does', () => {
    expect(() => parseConfig(defs, {})).to.throw(ConfigError, 'Missing required configuration "needed.int" which has no default value.');
  });

  it('collects unknown keys in input order instead of failing', () => {
    const { unknownKeys } = parseConfig(defs, { 'zzz.typo': '1', 'needed.int': '1', 'aaa.other': 'x' });
    expect(unknownKeys).to.deep.equal(['zzz.typo', 'aaa.other']);
  });

  it('does not mistake Object.prototype members for definitions', () => {
    const { unknownKeys } = parseConfig(defs, { 'needed.int': '1', toString: 'x', constructor: 'y' });
    expect(unknownKeys).to.deep.equal(['toString', 'constructor']);
  });

  it('reports set keys that are marked ignored', () => {
    const { ignoredKeys, providedKeys } = parseConfig(defs, { 'needed.int': '1', 'old.knob': '8' });
    expect(ignoredKeys).to.deep.equal(['old.knob']);
    expect([...providedKeys].sort()).to.deep.equal(['needed.int', 'old.knob']);
  });

  it('rejects a value below the minimum with Kafka wording', () => {
    const err = invalid('needed.int', '-5');
    expect(err.message).to.equal('Invalid value -5 for configuration needed.int: Value must be at least 0');
    expect(err.key).to.equal('needed.int');
    expect(err.value).to.equal('-5');
  });

  it('rejects a value above the maximum', () => {
    expect(invalid('some.double', '1.5').message).to.equal('Invalid value 1.5 for configuration some.double: Value must be no more than 1');
  });

  it('rejects text where a number is expected, naming the type', () => {
    expect(invalid('needed.int', 'abc').message).to.equal('Invalid value abc for configuration needed.int: Not a number of type INT');
    expect(invalid('some.long', '12x').message).to.equal('Invalid value 12x for configuration some.long: Not a number of type LONG');
    expect(invalid('some.double', '0x10').message).to.equal('Invalid value 0x10 for configuration some.double: Not a number of type DOUBLE');
  });

  it('rejects ints outside 32 bits and fractional JS numbers', () => {
    expect(invalid('needed.int', '2147483648').message).to.contain('Not a number of type INT');
    expect(invalid('needed.int', 1.5).message).to.contain('needed.int');
  });

  it('rejects a boolean that is not true or false', () => {
    expect(invalid('some.flag', 'yes').message).to.equal('Invalid value yes for configuration some.flag: Expected value to be either true or false');
  });

  it('rejects an enum value outside its set, listing the choices', () => {
    expect(invalid('some.policy', 'shred').message).to.equal('Invalid value shred for configuration some.policy: String must be one of: delete, compact');
  });

  it('keeps case-sensitive enums case-sensitive', () => {
    expect(invalid('some.policy', 'DELETE').message).to.contain('some.policy');
  });

  it('rejects an empty string where non-empty is required', () => {
    expect(invalid('some.name', '  ').message).to.equal('Invalid value    for configuration some.name: String must be non-empty');
  });

  it('wraps errors as SamsaError with the INVALID_CONFIG wire code', () => {
    const err = invalid('needed.int', '-1');
    expect(err).to.be.instanceOf(SamsaError);
    expect(err.code).to.equal(ErrorCode.INVALID_CONFIG.code);
  });

  it('clamps longs beyond 2^53 (Long.MAX_VALUE) to the largest safe integer', () => {
    const key = longKey({ default: 0, importance: 'LOW', doc: '' });
    expect(parseValue('x', key, '9223372036854775807')).to.equal(Number.MAX_SAFE_INTEGER);
    expect(() => parseValue('x', key, '9223372036854775808')).to.throw(ConfigError, 'Not a number of type LONG');
  });

  it('parses every int32 written in decimal', () => {
    const key = intKey({ default: 0, importance: 'LOW', doc: '' });
    fc.assert(fc.property(fc.integer(), (n) => {
      expect(parseValue('x', key, String(n))).to.equal(n);
    }));
  });

  it('checks list entries against an allowed set', () => {
    expect(listOf(['a', 'b']).check(['a', 'c'])).to.contain('Invalid value c');
    expect(listOf(['a', 'b']).check(['b'])).to.equal(undefined);
    expect(nonEmptyList().check([])).to.be.a('string');
  });

  it('renders a docs table with required keys first', () => {
    const table = renderConfigDocs(defs);
    const lines = table.split('\n');
    expect(lines[2]).to.contain('`needed.int`').and.contain('(required)').and.contain('[0,...]');
    expect(table).to.contain('| `some.policy` | policy | enum | delete | delete, compact | low |');
  });
});
