import { expect } from 'chai';
import { runCli } from '../helpers/run-cli';

describe('cli/server start and stop help', function () {
  this.timeout(30000);

  for (const flag of ['--help', '-h']) {
    it(`samsa-server-start ${flag} prints its usage on stdout and exits 0`, async () => {
      const res = await runCli('samsa-server-start', [flag], { timeoutMs: 30000 });
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.match(/^USAGE: samsa-server-start \[-daemon\] server\.properties/);
      expect(res.stdout).to.contain('--override');
      expect(res.stderr).to.equal('');
    });
  }

  it('samsa-server-stop --help prints its usage on stdout and exits 0 without stopping anything', async () => {
    const res = await runCli('samsa-server-stop', ['--help'], { timeoutMs: 30000 });
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.match(/^USAGE: samsa-server-stop \[--node-id <broker id>\]/);
    expect(res.stdout).to.not.contain('No samsa server');
    expect(res.stderr).to.equal('');
  });

  it('samsa-server-start and samsa-server-stop still reject unknown options with exit code 1', async () => {
    const start = await runCli('samsa-server-start', ['--bogus'], { timeoutMs: 30000 });
    expect(start.code).to.equal(1);
    expect(start.stderr).to.contain('--bogus').and.to.contain('USAGE: samsa-server-start');
    const stop = await runCli('samsa-server-stop', ['--bogus'], { timeoutMs: 30000 });
    expect(stop.code).to.equal(1);
    expect(stop.stderr).to.contain('--bogus').and.to.contain('USAGE: samsa-server-stop');
  });
});
