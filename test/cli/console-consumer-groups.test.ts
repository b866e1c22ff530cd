import { expect } from 'chai';
import { parseConsoleConsumerArgs } from '../../lib/cli/console-consumer';
import { captureIo } from './capture-io';

const BASE = ['--bootstrap-server', 'localhost:9092', '--topic', 't'];

function consumerProps(argv: string[]): Record<string, string> {
  const parsed = parseConsoleConsumerArgs([...BASE, ...argv], captureIo());
  if (!parsed.ok) throw new Error('arguments rejected');
  return parsed.options.consumerProps;
}

describe('cli/console-consumer groups', () => {
  it("joins a throwaway console-consumer-<random> group that commits nothing, as Kafka's tool does", () => {
    const props = consumerProps([]);
    expect(props['group.id']).to.match(/^console-consumer-\d{1,5}$/);
    expect(props['enable.auto.commit']).to.equal('false');
    expect(consumerProps(['--consumer-property', 'enable.auto.commit=true'])['enable.auto.commit']).to.equal('true');
  });

  it('keeps auto-commit on for a named group and maps --from-beginning to auto.offset.reset=earliest', () => {
    const props = consumerProps(['--group', 'billing', '--from-beginning']);
    expect(props).to.include({ 'group.id': 'billing', 'auto.offset.reset': 'earliest' });
    expect(props['enable.auto.commit']).to.equal(undefined);
    expect(consumerProps(['--consumer-property', 'group.id=audit'])['group.id']).to.equal('audit');
  });

  it('reads an explicit partition without joining a group', () => {
    expect(consumerProps(['--partition', '0'])['group.id']).to.equal(undefined);
  });
});
