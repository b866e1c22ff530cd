import { expect } from 'chai';
import { main as consumerMain } from '../../lib/cli/console-consumer';
import { main as topicsMain } from '../../lib/cli/topics';
import { runCli } from '../helpers/run-cli';
import { captureIo } from './capture-io';

describe('cli/usage error hints', function () {
  this.timeout(30000);

  it("keeps commander's did-you-mean hint between the error and the --help line", async () => {
    const io = captureIo();
    const code = await consumerMain(['--bootstrap-server', 'x:1', '--topc', 't'], io);
    expect(code).to.equal(1);
    expect(io.stderrText()).to.equal(
      "Error: unknown option '--topc'\n(Did you mean --topic?)\nTry 'samsa-console-consumer --help' for more information.\n",
    );
    expect(io.stdoutText()).to.equal('');
  });

  it('prints a single-line error unchanged when commander has no suggestion', async () => {
    const io = captureIo();
    const code = await topicsMain(['--bootstrap-server', 'x:1', '--no-such-flag-at-all'], io);
    expect(code).to.equal(1);
    expect(io.stderrText()).to.equal("Error: unknown option '--no-such-flag-at-all'\nTry 'samsa-topics --help' for more information.\n");
  });

  it('shows the hint when the tool runs as a process', async () => {
    const res = await runCli('samsa-console-consumer', ['--bootstrap-server', 'x:1', '--topc', 't'], { timeoutMs: 30000 });
    expect(res.code).to.equal(1);
    expect(res.stderr).to.equal(
      "Error: unknown option '--topc'\n(Did you mean --topic?)\nTry 'samsa-console-consumer --help' for more information.\n",
    );
    expect(res.stdout).to.equal('');
  });
});
