import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { Kafka, logLevel } from 'kafkajs';
import { Consumer } from '../../../lib/client/consumer';
import { Producer } from '../../../lib/client/producer';
import { tempDir } from '../../helpers/cluster';
import { runKcat } from '../../helpers/kcat';
import { useOneBroker } from '../../helpers/one-broker';
import { runCli } from '../../helpers/run-cli';
import { brokerTlsOverrides, testCerts } from '../../helpers/certs';

/** One broker whose native SSL listener and Kafka listener (mapped to SSL) speak TLS, next to a PLAINTEXT one. */
describe('security/tls end to end on a broker', function () {
  this.timeout(120000);
  const certs = testCerts();
  const fixture = useOneBroker({
    listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,KAFKA://127.0.0.1:0,MTLS://127.0.0.1:0',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,KAFKA:SSL,MTLS:SSL',
    ...brokerTlsOverrides(certs),
    'listener.name.mtls.ssl.client.auth': 'required',
  });
  const ssl = () => `localhost:${fixture.broker.boundPort('SSL')}`;
  const kafkaSsl = () => `127.0.0.1:${fixture.broker.boundPort('KAFKA')}`;
  const clientProps = () => ({ 'bootstrap.servers': ssl(), 'security.protocol': 'SSL', 'ssl.truststore.location': certs.ca });

  it('produces and consumes with the Samsa client over SSL, configured by Kafka properties', async () => {
    const producer = Producer.fromProperties({ ...clientProps(), acks: 'all' });
    try {
      for (let i = 0; i < 10; i++) await producer.send({ topic: 'tls-lib', partition: 0, value: `v${i}` });
    } finally {
      await producer.close();
    }
    const consumer = Consumer.fromProperties({ ...clientProps(), 'auto.offset.reset': 'earliest' });
    try {
      consumer.assign([{ topic: 'tls-lib', partition: 0 }]);
      const seen: string[] = [];
      const deadline = Date.now() + 20000;
      while (seen.length < 10 && Date.now() < deadline) {
        for (const r of await consumer.poll(500)) seen.push(String(r.value));
      }
      expect(seen).to.deep.equal([...Array(10).keys()].map((i) => `v${i}`));
    } finally {
      await consumer.close();
    }
  });

  it('moves records through the console producer and consumer using --producer.config and --consumer.config', async () => {
    const dir = tempDir('tls-console');
    const config = path.join(dir, 'client-ssl.properties');
    fs.writeFileSync(config, `security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=${certs.ca}\n`);
    const produced = await runCli('samsa-console-producer', ['--bootstrap-server', ssl(), '--topic', 'tls-console', '--producer.config', config], { input: 'one\ntwo\nthree\n' });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await runCli('samsa-console-consumer', ['--bootstrap-server', ssl(), '--topic', 'tls-console', '--partition', '0', '--offset', 'earliest',
      '--max-messages', '3', '--consumer.config', config]);
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n')).to.deep.equal(['one', 'two', 'three']);
    const perf = await runCli('samsa-producer-perf-test', ['--topic', 'tls-perf', '--num-records', '200', '--record-size', '100', '--throughput', '-1',
      '--producer.config', config, '--producer-props', `bootstrap.servers=${ssl()}`]);
    expect(perf.code, perf.stderr).to.equal(0);
    expect(perf.stdout).to.match(/200 records sent/);
    const refused = await runCli('samsa-console-consumer', ['--bootstrap-server', ssl(), '--topic', 'tls-console', '--from-beginning',
      '--max-messages', '1', '--timeout-ms', '3000', '--consumer-property', 'security.protocol=SSL', '--consumer-property', 'ssl.truststore.location=/missing/ca.pem']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('ssl.truststore.location');
  });

  it('with ssl.client.auth=required fails a tool without a client certificate at once and serves one with it', async () => {
    const dir = tempDir('tls-mtls');
    const mtls = `127.0.0.1:${fixture.broker.boundPort('MTLS')}`;
    const anonymous = path.join(dir, 'anonymous.properties');
    fs.writeFileSync(anonymous, `security.protocol=SSL\nssl.truststore.location=${certs.ca}\n`);
    const started = Date.now();
    const refused = await runCli('samsa-topics', ['--bootstrap-server', mtls, '--list', '--command-config', anonymous]);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain('SSL handshake failed');
    expect(Date.now() - started).to.be.lessThan(15000);
    const withCert = path.join(dir, 'alice.properties');
    fs.writeFileSync(withCert, `security.protocol=SSL\nssl.truststore.location=${certs.ca}\nssl.keystore.type=PEM\nssl.keystore.location=${certs.client.keystore}\n`);
    const listed = await runCli('samsa-topics', ['--bootstrap-server', mtls, '--list', '--command-config', withCert]);
    expect(listed.code, listed.stderr).to.equal(0);
    expect(listed.stdout).to.contain('tls-lib');
  });

  it('serves kcat over TLS on the Kafka listener', async () => {
    const tls = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.ca}`];
    const produced = await runKcat(['-b', kafkaSsl(), ...tls, '-P', '-t', 'tls-kcat', '-p', '0'], { input: 'a\nb\nc\n' });
    expect(produced.code, produced.stderr).to.equal(0);
    const consumed = await runKcat(['-b', kafkaSsl(), ...tls, '-C', '-t', 'tls-kcat', '-e', '-q']);
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n')).to.deep.equal(['a', 'b', 'c']);
  });

  it('serves KafkaJS with ssl: { ca } on the Kafka listener', async () => {
    const kafka = new Kafka({ clientId: 'kafkajs-tls', brokers: [kafkaSsl()], ssl: { ca: [certs.caPem] }, logLevel: logLevel.NOTHING, retry: { retries: 5, initialRetryTime: 100 } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'tls-kjs', numPartitions: 1 }] });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: 'tls-kjs', messages: [{ value: 'over tls' }] });
      await producer.disconnect();
      const offsets = await admin.fetchTopicOffsets('tls-kjs');
      expect(offsets[0].high).to.equal('1');
    } finally {
      await admin.disconnect();
    }
  });
});
