import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { renderConfigurationReference } from '../../lib/cli/config-docs';
import { REPO_ROOT } from '../helpers/cluster';

describe('cli/config-docs', () => {
  it('keeps docs/configuration.md in step with the config definitions (regenerate with npm run docs:config)', () => {
    const onDisk = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
    expect(onDisk).to.equal(renderConfigurationReference());
  });

  it('documents every key the sample server.properties sets', () => {
    const reference = renderConfigurationReference();
    const sample = fs.readFileSync(path.join(REPO_ROOT, 'config', 'server.properties'), 'utf8');
    const keys = sample.split('\n').filter((l) => /^[a-z]/.test(l)).map((l) => l.split('=')[0].trim());
    expect(keys.length).to.be.greaterThan(5);
    for (const key of keys) expect(reference, key).to.contain(`\`${key}\``);
  });
});
