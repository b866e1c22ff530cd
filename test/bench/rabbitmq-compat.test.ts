import { expect } from 'chai';
import { serverPredatesCommandVersions } from '../../bench/peers/rabbitmq-compat';

describe('bench/peers/rabbitmq-compat', () => {
  it('skips ExchangeCommandVersions only for servers older than RabbitMQ 3.11', () => {
    expect(serverPredatesCommandVersions('3.10.8')).to.equal(true);
    expect(serverPredatesCommandVersions('3.9.29')).to.equal(true);
    expect(serverPredatesCommandVersions('3.11.0')).to.equal(false);
    expect(serverPredatesCommandVersions('4.0.5')).to.equal(false);
    expect(serverPredatesCommandVersions(undefined)).to.equal(false);
  });
});
