import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { ZkClient } from '../../../lib/zk/zk-client';
import { tempDir } from '../../helpers/cluster';
import { useOneBroker } from '../../helpers/one-broker';
import { runCli } from '../../helpers/run-cli';
import { waitUntil } from '../../helpers/wait';
import { putScramUser, SASL_OVERRIDES } from './sasl-helpers';

/** The console tools as processes, authenticating from a Kafka client properties file. */
describe('security/sasl console tools', function () {
  this.timeout(120000);
  const fixture = useOneBroker(SASL_OVERRIDES);
  let sasl: string;
  let dir: string;

  const configFile = (name: string, mechanism: string, module: string, user: string, password: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, [
      'security.protocol=SASL_PLAINTEXT',
      `sasl.mechanism=${mechanism}`,
      `sasl.jaas.config=org.apache.kafka.common.security.${module} required username="${user}" password="${password}";`,
      '',
    ].join('\n'));
    return file;
  };

  before(async () => {
    const zk = await ZkClient.connect({ connectString: fixture.zk.connectString, sessionTimeoutMs: 6000 });
    await putScramUser(zk, 'alice', 'alice-secret');
    await zk.close();
    sasl = `127.0.0.1:${fixture.broker.boundPort('SASL_PLAINTEXT')}`;
    dir = tempDir('sasl-cli');
    await waitUntil('broker ready', () => fixture.broker.isReady);
  });

  it('produces with --producer.config and consumes with --consumer.config over SCRAM-SHA-256', async () => {
    const scram = configFile('scram.properties', 'SCRAM-SHA-256', 'scram.ScramLoginModule', 'alice', 'alice-secret');
    const created = await runCli('samsa-topics', ['--bootstrap-server', sasl, '--command-config', scram, '--create', '--topic', 'cli-secured', '--partitions', '1']);
    expect(created.code, created.stderr).to.equal(0);
    const produced = await runCli('samsa-console-producer', ['--bootstrap-server', sasl, '--topic', 'cli-secured', '--producer.config', scram], { input: 'one\ntwo\n' });
    expect(produced.code, produced.stderr).to.equal(0);
    const plain = configFile('plain.properties', 'PLAIN', 'plain.PlainLoginModule', 'carol', 'carol-secret');
    const consumed = await runCli('samsa-console-consumer', ['--bootstrap-server', sasl, '--topic', 'cli-secured', '--from-beginning', '--max-messages', '2', '--consumer.config', plain]);
    expect(consumed.code, consumed.stderr).to.equal(0);
    expect(consumed.stdout.trim().split('\n')).to.deep.equal(['one', 'two']);
  });

  it('reports a wrong password as "Authentication failed" and exits instead of retrying', async () => {
    const wrong = configFile('wrong.properties', 'SCRAM-SHA-512', 'scram.ScramLoginModule', 'alice', 'not-it');
    const started = Date.now();
    const listed = await runCli('samsa-topics', ['--bootstrap-server', sasl, '--command-config', wrong, '--list']);
    expect(listed.code).to.not.equal(0);
    expect(listed.stderr, listed.stderr).to.contain('Error while executing topic command : Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');
    const consumed = await runCli('samsa-console-consumer', ['--bootstrap-server', sasl, '--topic', 'cli-secured', '--from-beginning', '--max-messages', '1', '--consumer.config', wrong]);
    expect(consumed.code).to.not.equal(0);
    expect(consumed.stderr).to.contain('Authentication failed');
    expect(Date.now() - started).to.be.lessThan(30000);
  });

  it('refuses a client config naming an unsupported mechanism, by key', async () => {
    const gssapi = configFile('gssapi.properties', 'GSSAPI', 'scram.ScramLoginModule', 'alice', 'x');
    const listed = await runCli('samsa-topics', ['--bootstrap-server', sasl, '--command-config', gssapi, '--list']);
    expect(listed.code).to.not.equal(0);
    expect(listed.stderr).to.contain('sasl.mechanism').and.contain('GSSAPI is not supported');
  });

  it('tells a client without SASL settings that the listener requires SASL', async () => {
    const listed = await runCli('samsa-topics', ['--bootstrap-server', sasl, '--list']);
    expect(listed.code).to.not.equal(0);
    expect(listed.stderr).to.contain('this listener requires SASL (clients set security.protocol, sasl.mechanism and sasl.jaas.config)');
  });
});
