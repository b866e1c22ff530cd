import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from '../helpers/cluster';
import { runCli } from '../helpers/run-cli';

const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('--version', () => {
  const tools = fs.readdirSync(path.join(REPO_ROOT, 'bin')).filter((name) => !name.startsWith('_')).sort();

  it('every tool in bin/ is a bin of the package and prints the package version alone', async () => {
    const bins = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin;
    expect(Object.keys(bins).sort()).to.deep.equal(tools);
    const results = await Promise.all(tools.map((tool) => runCli(tool, ['--version'], { timeoutMs: 30000 })));
    results.forEach((result, i) => {
      expect(result.code, `${tools[i]}: ${result.stderr}`).to.equal(0);
      expect(result.stdout, tools[i]).to.equal(`${VERSION}\n`);
    });
  });

  it('commander-based tools answer --version among other options too, and samsa <tool> runs the tool', async () => {
    expect((await runCli('samsa-topics', ['--bootstrap-server', 'localhost:1', '--version'])).stdout).to.equal(`${VERSION}\n`);
    const viaSamsa = await runCli('samsa', ['topics', '--version']);
    expect(viaSamsa.stdout).to.equal(`${VERSION}\n`);
    const unknown = await runCli('samsa', ['frobnicate']);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr).to.include("unknown tool 'frobnicate'");
  });
});
