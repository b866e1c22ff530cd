import { expect } from 'chai';
import { LogLevelControl, normalizeLogLevel } from '../../lib/broker/log-level-control';
import { getLogger, logLevels, setLogLevel } from '../../lib/util/logger';

describe('broker/log-level-control', () => {
  let saved: string;
  beforeEach(() => { saved = logLevels().root; });
  afterEach(() => setLogLevel(null, saved));

  it('maps Kafka\'s level names to winston\'s and refuses others', () => {
    expect(normalizeLogLevel('WARN')).to.equal('warn');
    expect(normalizeLogLevel('TRACE')).to.equal('silly');
    expect(normalizeLogLevel('loud')).to.equal(undefined);
  });

  it('touches nothing until a dynamic level is set, then restores the static level when it goes', () => {
    const control = new LogLevelControl(() => 'error');
    control.setFromConfig(null, new Map());
    expect(logLevels().root).to.equal(saved);
    control.setFromConfig('debug', new Map([['unit-a', 'silly']]));
    expect(logLevels().root).to.equal('debug');
    expect(logLevels().subsystems.get('unit-a')).to.equal('silly');
    control.setFromConfig(null, new Map());
    expect(logLevels().root).to.equal('error');
    expect(logLevels().subsystems.has('unit-a')).to.equal(false);
  });

  it('lets a BROKER_LOGGER level win over the configured one until deleted', () => {
    getLogger('unit-b');
    const control = new LogLevelControl(() => saved);
    control.setFromConfig(null, new Map([['unit-b', 'warn']]));
    control.setLoggerLevel('unit-b', 'debug');
    expect(control.effectiveLevels().find((l) => l.name === 'unit-b')?.level).to.equal('debug');
    control.setLoggerLevel('unit-b', null);
    expect(control.effectiveLevels().find((l) => l.name === 'unit-b')?.level).to.equal('warn');
    expect(control.loggerNames()[0]).to.equal('root');
    control.setFromConfig(null, new Map());
  });
});
