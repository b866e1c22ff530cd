import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import fc from 'fast-check';
import { ConfigError } from '../../lib/config/config-error';
import {
  formatProperties, mergeProperties, parseOverride, parseOverrides, parseProperties, propertiesToRecord, readPropertiesFile,
} from '../../lib/config/properties';

describe('config/properties', () => {
  describe('parseProperties', () => {
    it('skips # and ! comments and blank lines', () => {
      const props = parseProperties('# a comment\n! another\n\n   \nbroker.id=1\n');
      expect([...props]).to.deep.equal([['broker.id', '1']]);
    });

    it('accepts =, : and whitespace as separators and trims around them', () => {
      const props = parseProperties('a=1\nb : 2\nc 3\n  d   =   4\n');
      expect(propertiesToRecord(props)).to.deep.equal({ a: '1', b: '2', c: '3', d: '4' });
    });

    it('joins continuation lines and drops the leading whitespace of the next line', () => {
      const props = parseProperties('log.dirs=/a,\\\n         /b\n');
      expect(props.get('log.dirs')).to.equal('/a,/b');
    });

    it('decodes escapes in keys and values', () => {
      const props = parseProperties('key\\ with\\ space=x\\ty\ntab=\\u0041\\u00e9\npath=c:\\\\dir\\\\x\n');
      expect(props.get('key with space')).to.equal('x\ty');
      expect(props.get('tab')).to.equal('Aé');
      expect(props.get('path')).to.equal('c:\\dir\\x');
    });

    it('keeps the last value of a repeated key', () => {
      expect(parseProperties('a=1\na=2\n').get('a')).to.equal('2');
    });

    it('reads a key without a value as the empty string', () => {
      expect(parseProperties('lonely\n').get('lonely')).to.equal('');
    });
  });

  describe('readPropertiesFile', () => {
    it('reads a file from disk', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'samsa-props-'));
      try {
        const file = path.join(dir, 'x.properties');
        fs.writeFileSync(file, 'broker.id=7\n');
        expect(readPropertiesFile(file).get('broker.id')).to.equal('7');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports a missing file as a ConfigError naming the path', () => {
      const file = path.join(os.tmpdir(), 'samsa-no-such-dir', 'server.properties');
      expect(() => readPropertiesFile(file)).to.throw(ConfigError, `Cannot read configuration file ${file}`);
    });
  });

  describe('parseOverride', () => {
    it('splits at the first = so values may contain =', () => {
      expect(parseOverride('key.separator==')).to.deep.equal(['key.separator', '=']);
      expect(parseOverride('a=b=c')).to.deep.equal(['a', 'b=c']);
    });

    it('keeps the value verbatim, including spaces', () => {
      expect(parseOverride('key.separator= ')).to.deep.equal(['key.separator', ' ']);
    });

    it('rejects an argument without = with a clear message', () => {
      expect(() => parseOverride('broker.id')).to.throw(ConfigError, "Invalid property override 'broker.id': expected key=value");
    });

    it('rejects an empty key', () => {
      expect(() => parseOverride('=5')).to.throw(ConfigError, 'the key before');
    });

    it('round-trips any key without = and any value', () => {
      fc.assert(fc.property(
        fc.string({ minLength: 1 }).filter((k) => !k.includes('=') && k.trim() === k && k !== ''),
        fc.string(),
        (key, value) => {
          expect(parseOverride(`${key}=${value}`)).to.deep.equal([key, value]);
        },
      ));
    });
  });

  describe('merging', () => {
    it('lets later sources win and keeps first-seen order', () => {
      const merged = mergeProperties(new Map([['a', '1'], ['b', '2']]), undefined, { b: '3', c: '4' }, parseOverrides(['a=9']));
      expect([...merged]).to.deep.equal([['a', '9'], ['b', '3'], ['c', '4']]);
    });
  });

  describe('formatProperties', () => {
    it('writes text that parses back to the same properties', () => {
      fc.assert(fc.property(
        fc.dictionary(fc.string({ minLength: 1 }), fc.string()),
        (record) => {
          const text = formatProperties(record, 'generated');
          expect(propertiesToRecord(parseProperties(text))).to.deep.equal(record);
        },
      ), { numRuns: 200 });
    });

    it('starts with the header as a comment', () => {
      expect(formatProperties({ version: '0' }, 'Samsa meta')).to.equal('# Samsa meta\nversion=0\n');
    });
  });
});
