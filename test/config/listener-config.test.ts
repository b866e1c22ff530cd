import { expect } from 'chai';
import { build as buildLoaded, rejection } from './broker-config-helpers';
import { RawValue } from '../../lib/config/config-def';

const build = (extra: Record<string, RawValue>) => buildLoaded(extra).config;

const names = (listeners: ReadonlyArray<{ name: string }>) => listeners.map((l) => l.name);

describe('config/listener-config', () => {
  describe('listeners', () => {
    it('keeps every listener, in order, each with its wire protocol', () => {
      const config = build({ listeners: 'PLAINTEXT://:9092,KAFKA://:19092' });
      expect(config.listeners.map((l) => `${l.name}:${l.port}:${l.wireProtocol}`)).to.deep.equal(['PLAINTEXT:9092:samsa', 'KAFKA:19092:kafka']);
    });

    it('maps KAFKA to PLAINTEXT by default, so a KAFKA listener needs no custom protocol map', () => {
      expect(build({ listeners: 'PLAINTEXT://:9092,KAFKA://:19092' }).listeners[1].securityProtocol).to.equal('PLAINTEXT');
    });

    it('requires distinct names', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092,plaintext://:9093' });
      expect(err.key).to.equal('listeners');
      expect(err.message).to.contain('Each listener must have a different name');
    });

    it('requires distinct ports, except port 0 which may repeat', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092,INTERNAL://:9092', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT' });
      expect(err.key).to.equal('listeners');
      expect(err.message).to.contain('Each listener must have a different port');
      const config = build({ listeners: 'PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT' });
      expect(names(config.listeners)).to.deep.equal(['PLAINTEXT', 'INTERNAL']);
    });

    it('requires every name to be in listener.security.protocol.map, mapped to one of Kafka\'s protocols', () => {
      const unmapped = rejection({ listeners: 'PLAINTEXT://:9092,INTERNAL://:9093' });
      expect(unmapped.key).to.equal('listeners');
      expect(unmapped.message).to.contain('No security protocol defined for listener INTERNAL');
      const unknown = rejection({ listeners: 'PLAINTEXT://:9092,X://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,X:KERBEROS' });
      expect(unknown.message).to.contain('Listener X uses unknown security protocol KERBEROS');
    });

    it('allows map entries for listeners that do not exist, as Kafka does', () => {
      const config = build({ listeners: 'PLAINTEXT://:9092', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,UNUSED:PLAINTEXT' });
      expect(names(config.listeners)).to.deep.equal(['PLAINTEXT']);
    });

    it('refuses a broker with no native listener, naming listeners', () => {
      const err = rejection({ listeners: 'KAFKA://:19092' });
      expect(err.key).to.equal('listeners');
      expect(err.message).to.contain('No listener speaks Samsa\'s native protocol').and.to.contain('KAFKA');
    });
  });

  describe('listener.wire.protocol.map', () => {
    it('lets any listener speak the Kafka protocol, replacing the default map', () => {
      const config = build({
        listeners: 'PLAINTEXT://:9092,EXTERNAL://:19092,KAFKA://:29092',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT,KAFKA:PLAINTEXT',
        'listener.wire.protocol.map': 'external:KAFKA,KAFKA:samsa',
      });
      expect(config.listeners.map((l) => l.wireProtocol)).to.deep.equal(['samsa', 'kafka', 'samsa']);
    });

    it('refuses an explicit entry for a listener that does not exist', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092', 'listener.wire.protocol.map': 'KAFKA:kafka' });
      expect(err.key).to.equal('listener.wire.protocol.map');
      expect(err.message).to.contain('Listener KAFKA is not defined in listeners');
    });

    it('accepts the default KAFKA:kafka entry when there is no KAFKA listener', () => {
      expect(build({ listeners: 'PLAINTEXT://:9092' }).listeners[0].wireProtocol).to.equal('samsa');
    });

    it('refuses values other than kafka and samsa, naming the key', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092', 'listener.wire.protocol.map': 'PLAINTEXT:http' });
      expect(err.key).to.equal('listener.wire.protocol.map');
      expect(err.message).to.contain("wire protocol 'http'");
    });
  });

  describe('advertised.listeners', () => {
    it('defaults to listeners', () => {
      const config = build({ listeners: 'PLAINTEXT://a:9092,KAFKA://a:19092' });
      expect(config.advertisedListeners.map((l) => `${l.name}://${l.host}:${l.port}:${l.wireProtocol}`))
        .to.deep.equal(['PLAINTEXT://a:9092:samsa', 'KAFKA://a:19092:kafka']);
    });

    it('may list a subset of listeners, whose entries keep their wire protocol', () => {
      const config = build({
        listeners: 'PLAINTEXT://:9092,KAFKA://:19092,INTERNAL://:9093',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,KAFKA:PLAINTEXT,INTERNAL:PLAINTEXT',
        'advertised.listeners': 'KAFKA://public.example:19092,INTERNAL://10.0.0.1:9093',
      });
      expect(config.advertisedListeners.map((l) => `${l.name}:${l.wireProtocol}`)).to.deep.equal(['KAFKA:kafka', 'INTERNAL:samsa']);
      expect(config.interBrokerListenerName).to.equal('INTERNAL');
    });

    it("refuses names that are not listeners, in Kafka's words", () => {
      const err = rejection({
        listeners: 'PLAINTEXT://:9092', 'advertised.listeners': 'PLAINTEXT://h:9092,INTERNAL://h:9093',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
      });
      expect(err.key).to.equal('advertised.listeners');
      expect(err.message).to.contain('advertised.listeners listener names must be equal to or a subset of the ones defined in listeners');
    });

    it('allows advertised entries to share a port, as Kafka does', () => {
      const config = build({
        listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
        'advertised.listeners': 'PLAINTEXT://lb:443,INTERNAL://lb2:443',
      });
      expect(config.advertisedListeners.map((l) => l.port)).to.deep.equal([443, 443]);
    });

    it('refuses to leave no native listener advertised', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092,KAFKA://:19092', 'advertised.listeners': 'KAFKA://h:19092' });
      expect(err.key).to.equal('advertised.listeners');
      expect(err.message).to.contain('No advertised listener speaks Samsa\'s native protocol');
    });
  });

  describe('inter.broker.listener.name', () => {
    it('defaults to PLAINTEXT when it is a native listener, else to the first native listener', () => {
      const map = 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,KAFKA:PLAINTEXT';
      expect(build({ listeners: 'INTERNAL://:9093,PLAINTEXT://:9092', 'listener.security.protocol.map': map }).interBrokerListenerName).to.equal('PLAINTEXT');
      expect(build({ listeners: 'KAFKA://:19092,INTERNAL://:9093', 'listener.security.protocol.map': map }).interBrokerListenerName).to.equal('INTERNAL');
      const kafkaPlaintext = build({
        listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': map, 'listener.wire.protocol.map': 'PLAINTEXT:kafka',
      });
      expect(kafkaPlaintext.interBrokerListenerName).to.equal('INTERNAL');
    });

    it('may name any advertised native listener, in any letter case', () => {
      const config = build({
        listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
        'inter.broker.listener.name': 'internal',
      });
      expect(config.interBrokerListenerName).to.equal('INTERNAL');
    });

    it('refuses a Kafka-protocol listener, which the controller and replica fetchers cannot speak', () => {
      const err = rejection({ listeners: 'PLAINTEXT://:9092,KAFKA://:19092', 'inter.broker.listener.name': 'KAFKA' });
      expect(err.key).to.equal('inter.broker.listener.name');
      expect(err.message).to.contain('Listener KAFKA speaks the Kafka protocol');
    });

    it('refuses a listener that is bound but not advertised', () => {
      const err = rejection({
        listeners: 'PLAINTEXT://:9092,INTERNAL://:9093', 'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT',
        'advertised.listeners': 'PLAINTEXT://h:9092', 'inter.broker.listener.name': 'INTERNAL',
      });
      expect(err.key).to.equal('inter.broker.listener.name');
      expect(err.message).to.contain('must be a listener name defined in advertised.listeners');
    });
  });
});
