/**
 * The client entry point (`require('samsa')`, dist/lib/index.js) must stay free of server code:
 * applications that only produce and consume should not load winston, the ZooKeeper client,
 * commander or any broker/controller/storage/zk module. Checked in a fresh process, where
 * require.cache shows exactly what the import (and a client's first connection attempt) loaded.
 */
import { expect } from 'chai';
import * as path from 'path';
import { runProcess } from '../helpers/run-cli';
import { REPO_ROOT } from '../helpers/cluster';

const SCRIPT = `
const path = require('path');
const samsa = require(process.argv[1]);
const lines = [];
const logger = {};
for (const level of ['error', 'warn', 'info', 'debug']) logger[level] = (message, meta) => lines.push({ level, message, meta });
const admin = new samsa.Admin({ bootstrapServers: '127.0.0.1:1', logger, requestTimeoutMs: 300, connectTimeoutMs: 300 });
admin.listTopics().catch(() => undefined).finally(async () => {
  await admin.close().catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const loaded = Object.keys(require.cache);
  const server = loaded.filter((f) => /[\\\\/]node_modules[\\\\/](winston|node-zookeeper-client|commander)[\\\\/]/.test(f)
    || /[\\\\/]dist[\\\\/]lib[\\\\/](broker|controller|storage|zk)[\\\\/]/.test(f));
  process.stdout.write(JSON.stringify({ server, lines, count: loaded.length }));
});
`;

describe('client entry point', () => {
  it('loads no server module, and sends its log lines to the injected logger', async () => {
    const entry = path.join(REPO_ROOT, 'dist', 'lib', 'index.js');
    const result = await runProcess(process.execPath, ['-e', SCRIPT, entry], { timeoutMs: 20000, env: { SAMSA_LOG_LEVEL: 'debug' } });
    expect(result.code, result.stderr).to.equal(0);
    const out = JSON.parse(result.stdout) as { server: string[]; lines: { level: string; message: string; meta: { subsystem?: string } }[]; count: number };
    expect(out.server).to.deep.equal([]);
    expect(out.count).to.be.greaterThan(20);
    const failed = out.lines.find((l) => l.message.startsWith('connection to 127.0.0.1:1 '));
    expect(failed, JSON.stringify(out.lines)).to.not.equal(undefined);
    expect(failed?.meta.subsystem).to.equal('client');
    // With an injected logger nothing goes to the default stderr logger, even at debug level.
    expect(result.stderr).to.not.include('connection to 127.0.0.1:1 ');
  });
});
