import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { consumerOptionsFromProperties } from '../../lib/client/consumer-options';
import { DefaultPartitioner, RoundRobinPartitioner, UniformStickyPartitioner } from '../../lib/client/partitioners';
import { producerOptionsFromProperties } from '../../lib/client/producer-options';
import { Int64Deserializer, JsonSerializer, StringDeserializer, StringSerializer } from '../../lib/client/serializers';
import { ConfigError } from '../../lib/config/config-error';

const BOOTSTRAP = { 'bootstrap.servers': 'localhost:9092' };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('client/client-plugins', () => {
  let dir: string;
  const file = (name: string, source: string): string => {
    const p = path.join(dir, name);
    writeFileSync(p, source);
    return p;
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'samsa-plugins-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('interceptor.classes', () => {
    it('loads a class (constructed with the properties), a named Interceptor, a default factory and a plain object, in order', () => {
      const cls = file('cls.js', 'module.exports = class { constructor(props) { this.tag = props["trace.tag"]; } onSend(r) { return { ...r, value: r.value + this.tag }; } };');
      const named = file('named.js', 'exports.Interceptor = class { onSend(r) { return { ...r, value: r.value + "-named" }; } };');
      const factory = file('factory.js', 'exports.default = (props) => ({ onSend: (r) => ({ ...r, value: r.value + "-" + props["client.id"] }) });');
      const plain = file('plain.js', 'module.exports = { onAcknowledgement() {} };');
      // A path relative to the working directory works as well.
      const relative = path.relative(process.cwd(), factory);
      const options = producerOptionsFromProperties({
        ...BOOTSTRAP, 'client.id': 'app', 'trace.tag': '-cls', 'interceptor.classes': `${cls}, ${named},${relative.startsWith('.') ? relative : `./${relative}`},${plain}`,
      });
      const interceptors = options.interceptors!;
      expect(interceptors).to.have.length(4);
      let record = { topic: 't', value: 'v' };
      for (const i of interceptors) if (i.onSend) record = i.onSend(record) as typeof record;
      expect(record.value).to.equal('v-cls-named-app');
      expect(interceptors[3].onAcknowledgement).to.be.a('function');
    });

    it('loads consumer interceptors', () => {
      const m = file('consume.js', 'module.exports = class { onConsume(rs) { return rs; } onCommit() {} };');
      const options = consumerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': m });
      expect(options.interceptors).to.have.length(1);
      expect(options.interceptors![0].onConsume).to.be.a('function');
    });

    it('refuses a missing module, one that fails to load, and one that is no interceptor, naming the key', () => {
      const missing = configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': './no/such/module.js' }));
      expect(missing.key).to.equal('interceptor.classes');
      expect(missing.message).to.equal('Invalid value ./no/such/module.js for configuration interceptor.classes: Class ./no/such/module.js could not be found.');
      const javaName = configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': 'com.example.TracingInterceptor' }));
      expect(javaName.message).to.contain('Class com.example.TracingInterceptor could not be found.');
      const throwing = file('throws.js', 'throw new Error("syntax is fine, loading is not");');
      expect(configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': throwing })).message).to.contain('loading is not');
      const empty = file('empty.js', 'module.exports = { hello: 1 };');
      const wrong = configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': empty }));
      expect(wrong.message).to.contain('is not a ProducerInterceptor');
      expect(configError(() => consumerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': empty })).message).to.contain('is not a ConsumerInterceptor');
      const ctorThrows = file('ctor.js', 'module.exports = class { constructor() { throw new Error("needs trace.endpoint"); } onSend(r) { return r; } };');
      expect(configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'interceptor.classes': ctorThrows })).message).to.contain('needs trace.endpoint');
    });
  });

  describe('partitioner.class and partitioner.ignore.keys', () => {
    it("maps Kafka's class names and the short names to the built-ins", () => {
      const p = (name: string): unknown => producerOptionsFromProperties({ ...BOOTSTRAP, 'partitioner.class': name }).partitioner;
      expect(p('org.apache.kafka.clients.producer.RoundRobinPartitioner')).to.be.instanceOf(RoundRobinPartitioner);
      expect(p('org.apache.kafka.clients.producer.UniformStickyPartitioner')).to.be.instanceOf(UniformStickyPartitioner);
      expect(p('org.apache.kafka.clients.producer.internals.DefaultPartitioner')).to.be.instanceOf(DefaultPartitioner);
      expect(p('RoundRobinPartitioner')).to.be.instanceOf(RoundRobinPartitioner);
      expect(producerOptionsFromProperties({ ...BOOTSTRAP }).partitioner).to.equal(undefined);
    });

    it('loads a partitioner module and refuses one without partition()', () => {
      const m = file('part.js', 'exports.Partitioner = class { partition() { return 0; } };');
      const loaded = producerOptionsFromProperties({ ...BOOTSTRAP, 'partitioner.class': m }).partitioner as { partition(): number };
      expect(loaded.partition()).to.equal(0);
      const bad = file('notpart.js', 'module.exports = { choose() { return 0; } };');
      expect(configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'partitioner.class': bad })).key).to.equal('partitioner.class');
    });

    it('parses partitioner.ignore.keys as a boolean', () => {
      expect(producerOptionsFromProperties({ ...BOOTSTRAP, 'partitioner.ignore.keys': 'true' }).partitionerIgnoreKeys).to.equal(true);
      expect(producerOptionsFromProperties({ ...BOOTSTRAP }).partitionerIgnoreKeys).to.equal(false);
      expect(configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'partitioner.ignore.keys': 'maybe' })).key).to.equal('partitioner.ignore.keys');
    });
  });

  describe('serializers', () => {
    it("maps Kafka's serializer class names to the built-ins; unset keeps the default", () => {
      const options = producerOptionsFromProperties({
        ...BOOTSTRAP, 'key.serializer': 'org.apache.kafka.common.serialization.StringSerializer', 'value.serializer': 'json',
      });
      expect(options.keySerializer).to.be.instanceOf(StringSerializer);
      expect(options.valueSerializer).to.be.instanceOf(JsonSerializer);
      expect(producerOptionsFromProperties({ ...BOOTSTRAP }).keySerializer).to.equal(undefined);
      const consumer = consumerOptionsFromProperties({
        ...BOOTSTRAP, 'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer', 'value.deserializer': 'org.apache.kafka.common.serialization.LongDeserializer',
      });
      expect(consumer.keyDeserializer).to.be.instanceOf(StringDeserializer);
      expect(consumer.valueDeserializer).to.be.instanceOf(Int64Deserializer);
    });

    it('loads a serializer module and refuses unknown class names, naming the key', () => {
      const m = file('ser.js', 'module.exports = { serialize: (topic, data) => Buffer.from(topic + ":" + data) };');
      const s = producerOptionsFromProperties({ ...BOOTSTRAP, 'value.serializer': m }).valueSerializer!;
      expect(s.serialize('t', 'x', []).toString()).to.equal('t:x');
      const avro = configError(() => producerOptionsFromProperties({ ...BOOTSTRAP, 'value.serializer': 'io.confluent.kafka.serializers.KafkaAvroSerializer' }));
      expect(avro.key).to.equal('value.serializer');
      expect(avro.message).to.contain('Class io.confluent.kafka.serializers.KafkaAvroSerializer could not be found.');
      const notDeserializer = configError(() => consumerOptionsFromProperties({ ...BOOTSTRAP, 'key.deserializer': m }));
      expect(notDeserializer.key).to.equal('key.deserializer');
      expect(notDeserializer.message).to.contain('is not a Deserializer');
    });
  });
});
