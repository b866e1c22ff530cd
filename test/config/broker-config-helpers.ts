/** Building broker configs in tests: the two required keys plus what a test adds. */
import { expect } from 'chai';
import { buildBrokerConfig, LoadedBrokerConfig } from '../../lib/config/broker-config';
import { ConfigError } from '../../lib/config/config-error';
import { RawValue } from '../../lib/config/config-def';

export const BASE = { 'broker.id': '1', 'zookeeper.connect': 'localhost:2181' };

export function build(extra: Record<string, RawValue> = {}): LoadedBrokerConfig {
  return buildBrokerConfig({ ...BASE, ...extra });
}

/** The ConfigError `extra` is refused with; fails the test when it is accepted. */
export function rejection(extra: Record<string, RawValue>): ConfigError {
  try {
    build(extra);
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected ${JSON.stringify(extra)} to be rejected`);
}
