import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';

/** Settings Samsa cannot honour stop samsa-server-start before it opens a port. */
describe('cli/server-start-refusals', function () {
  this.timeout(60000);

  async function startWith(lines: string[]) {
    const dir = tempDir('refusal');
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, ['broker.id=1', 'zookeeper.connect=127.0.0.1:1', `log.dirs=${dir}/data`, `logs.dir=${dir}/logs`, ...lines].join('\n') + '\n');
    return runCli('samsa-server-start', [file], { cwd: dir, timeoutMs: 30000 });
  }

  it('refuses an authorizer class it does not have, naming the key', async () => {
    const result = await startWith(['listeners=PLAINTEXT://127.0.0.1:0', 'authorizer.class.name=com.example.OpenDoorAuthorizer']);
    expect(result.code).to.equal(1);
    expect(result.stdout + result.stderr).to.contain('authorizer.class.name').and.to.contain('com.example.OpenDoorAuthorizer');
  });

  it('refuses security extensions it cannot honour, naming the key', async () => {
    for (const line of ['principal.builder.class=com.example.Builder', 'sasl.server.callback.handler.class=com.example.Handler']) {
      const key = line.split('=')[0];
      const result = await startWith(['listeners=PLAINTEXT://127.0.0.1:0', line]);
      expect(result.code, line).to.equal(1);
      expect(result.stdout + result.stderr).to.contain(`Configuration ${key} is set, but Samsa does not implement it`);
    }
  });

  it('refuses a TLS listener whose key store cannot be read, naming the key', async () => {
    const result = await startWith(['listeners=PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0', 'ssl.keystore.location=/etc/samsa/missing-broker.pem']);
    expect(result.code).to.equal(1);
    expect(result.stdout + result.stderr).to.contain('Invalid value /etc/samsa/missing-broker.pem for configuration ssl.keystore.location: cannot read the store (file not found)');
  });

  it('refuses a Kafka-protocol listener as the inter-broker listener, naming the key', async () => {
    const result = await startWith(['listeners=PLAINTEXT://127.0.0.1:0,KAFKA://127.0.0.1:0', 'inter.broker.listener.name=KAFKA']);
    expect(result.code).to.equal(1);
    expect(result.stdout + result.stderr).to.contain('inter.broker.listener.name');
  });

  it('refuses two listeners on one port, naming listeners', async () => {
    const result = await startWith(['listeners=PLAINTEXT://127.0.0.1:19092,OTHER://127.0.0.1:19092', 'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT']);
    expect(result.code).to.equal(1);
    expect(result.stdout + result.stderr).to.contain('for configuration listeners: Each listener must have a different port');
  });
});
