import { expect } from 'chai';
import {
  formatListener, parseHostPort, parseListener, parseListeners, parseWireProtocolMap, parseZookeeperConnect,
} from '../../lib/config/endpoints';

const plaintext = new Map([['PLAINTEXT', 'PLAINTEXT'], ['INTERNAL', 'PLAINTEXT'], ['SSL', 'SSL']]);

describe('config/endpoints', () => {
  describe('parseListener', () => {
    it('parses NAME://host:port and upper-cases the name', () => {
      expect(parseListener('plaintext://localhost:9092', plaintext)).to.deep.equal({
        ok: true, value: { name: 'PLAINTEXT', host: 'localhost', port: 9092, securityProtocol: 'PLAINTEXT', wireProtocol: 'samsa' },
      });
    });

    it('reads an empty host as every interface', () => {
      const parsed = parseListener('PLAINTEXT://:9092', plaintext);
      expect(parsed.ok && parsed.value.host).to.equal('');
    });

    it('accepts bracketed IPv6 hosts and formats them back with brackets', () => {
      const parsed = parseListener('PLAINTEXT://[::1]:9093', plaintext);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(parsed.value.host).to.equal('::1');
      expect(formatListener(parsed.value)).to.equal('PLAINTEXT://[::1]:9093');
    });

    it('accepts port 0 and 65535 and rejects 65536', () => {
      expect(parseListener('PLAINTEXT://:0', plaintext).ok).to.equal(true);
      expect(parseListener('PLAINTEXT://:65535', plaintext).ok).to.equal(true);
      expect(parseListener('PLAINTEXT://:65536', plaintext)).to.deep.include({ ok: false });
    });

    it('explains what is wrong with malformed entries', () => {
      const reasons = ['abc', 'PLAINTEXT://localhost', 'PLAINTEXT://localhost:abc', 'PLAINTEXT://bad host:1']
        .map((text) => { const p = parseListener(text, plaintext); return p.ok ? 'ok' : p.reason; });
      expect(reasons[0]).to.contain('is not of the form NAME://host:port');
      expect(reasons[1]).to.contain('is not of the form NAME://host:port');
      expect(reasons[2]).to.contain("Port 'abc' is not a number");
      expect(reasons[3]).to.contain("invalid host 'bad host'");
    });

    it('takes each of Kafka\'s four security protocols from the map, and rejects unknown or unmapped ones', () => {
      const map = new Map([['A', 'SSL'], ['B', 'SASL_PLAINTEXT'], ['C', 'SASL_SSL'], ['D', 'TLS']]);
      expect([parseListener('A://:1', map), parseListener('B://:2', map), parseListener('C://:3', map)].map((l) => l.ok && l.value.securityProtocol))
        .to.deep.equal(['SSL', 'SASL_PLAINTEXT', 'SASL_SSL']);
      const unknown = parseListener('D://:4', map);
      expect(!unknown.ok && unknown.reason).to.contain('Listener D uses unknown security protocol TLS');
      const unmapped = parseListener('CLIENT://:9094', plaintext);
      expect(!unmapped.ok && unmapped.reason).to.equal('No security protocol defined for listener CLIENT');
    });
  });

  describe('parseListeners', () => {
    it('requires distinct names', () => {
      const parsed = parseListeners(['PLAINTEXT://:1', 'plaintext://:2'], plaintext, true);
      expect(!parsed.ok && parsed.reason).to.equal('Each listener must have a different name');
    });

    it('requires distinct ports when asked, except for port 0', () => {
      const clash = parseListeners(['PLAINTEXT://:9092', 'INTERNAL://:9092'], plaintext, true);
      expect(!clash.ok && clash.reason).to.equal('Each listener must have a different port');
      expect(parseListeners(['PLAINTEXT://:9092', 'INTERNAL://:9092'], plaintext, false).ok).to.equal(true);
      expect(parseListeners(['PLAINTEXT://:0', 'INTERNAL://:0'], plaintext, true).ok).to.equal(true);
    });
  });

  describe('parseWireProtocolMap', () => {
    it('reads NAME:kafka|samsa case-insensitively and marks parsed listeners with it', () => {
      const parsed = parseWireProtocolMap(['kafka:KAFKA', 'Internal:samsa']);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect([...parsed.value]).to.deep.equal([['KAFKA', 'kafka'], ['INTERNAL', 'samsa']]);
      const listener = parseListener('KAFKA://:19092', new Map([['KAFKA', 'PLAINTEXT']]), parsed.value);
      expect(listener.ok && listener.value.wireProtocol).to.equal('kafka');
    });

    it('rejects unknown protocols, malformed entries and names listed twice', () => {
      const reasons = [['A:http'], ['A'], ['A:kafka', 'a:samsa']].map((items) => { const p = parseWireProtocolMap(items); return p.ok ? 'ok' : p.reason; });
      expect(reasons[0]).to.equal("Listener A has wire protocol 'http'; expected one of: samsa, kafka");
      expect(reasons[1]).to.contain('is not of the form LISTENER_NAME:WIRE_PROTOCOL');
      expect(reasons[2]).to.equal('Listener A is listed more than once');
    });
  });

  describe('parseHostPort', () => {
    it('parses host:port and uses a default port only when one is given', () => {
      expect(parseHostPort('broker-1.example.com:9092')).to.deep.equal({ ok: true, value: { host: 'broker-1.example.com', port: 9092 } });
      expect(parseHostPort('zk', 2181)).to.deep.equal({ ok: true, value: { host: 'zk', port: 2181 } });
      expect(parseHostPort('zk').ok).to.equal(false);
    });

    it('rejects empty hosts, bad ports and unbracketed IPv6', () => {
      for (const text of [':9092', 'h:', 'h:99999', 'h:x', '::1:9092', 'a b:1']) {
        expect(parseHostPort(text, 1).ok, text).to.equal(false);
      }
    });
  });

  describe('parseZookeeperConnect', () => {
    it('parses several servers and a chroot', () => {
      expect(parseZookeeperConnect('zk1:2181,zk2:2182/samsa/prod')).to.deep.equal({
        ok: true, value: { servers: [{ host: 'zk1', port: 2181 }, { host: 'zk2', port: 2182 }], chroot: '/samsa/prod' },
      });
    });

    it('defaults the port to 2181 and treats a lone / as no chroot', () => {
      expect(parseZookeeperConnect('localhost/')).to.deep.equal({ ok: true, value: { servers: [{ host: 'localhost', port: 2181 }], chroot: null } });
    });

    it('rejects empty host lists, bad ports and malformed chroots', () => {
      for (const text of ['', '/samsa', 'zk:abc', 'zk:2181,', 'zk:2181/a//b', 'zk:2181/a/', 'zk:2181/a/../b']) {
        expect(parseZookeeperConnect(text).ok, text).to.equal(false);
      }
    });
  });
});
