import { expect } from 'chai';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { launchChromium } from '../helpers/chromium';
import { apiRequest } from '../helpers/console-http';
import { waitUntil } from '../helpers/wait';
import { entry, group, topic, useSecuredBroker } from '../security/acl/acl-fixtures';
import { putScramUser, SASL_OVERRIDES } from '../security/sasl/sasl-helpers';

describe('http/console with an authorizer: HTTP Basic users see what their ACLs allow', function () {
  this.timeout(90000);
  const cluster = useSecuredBroker({ ...SASL_OVERRIDES, 'http.listener': 'http://127.0.0.1:0', 'http.console.group.lag.sample.interval.ms': 200 });
  const port = () => cluster.broker.httpPort;
  const alice: [string, string] = ['alice', 'alice-secret'];

  before(async () => {
    const admin = new Admin({ bootstrapServers: cluster.native });
    for (const name of ['visible', 'hidden']) await admin.createTopic({ topic: name, numPartitions: 1, replicationFactor: 1 });
    await admin.close();
    // ANONYMOUS (PLAINTEXT) writes 5 records and commits offset 2 for two groups; alice may describe one.
    await cluster.setAcls(topic('visible'), [entry('Describe', 'Allow', 'User:alice'), entry('Read', 'Allow', 'User:alice'), entry('Write'), entry('Read')]);
    await cluster.setAcls(group('alice-group'), [entry('Describe', 'Allow', 'User:alice'), entry('Read')]);
    await cluster.setAcls(group('other-group'), [entry('Read')]);
    const producer = new Producer({ bootstrapServers: cluster.native, enableIdempotence: false, acks: 1 });
    for (let i = 0; i < 5; i++) await producer.send({ topic: 'visible', partition: 0, value: `v${i}` });
    await producer.close();
    for (const groupId of ['alice-group', 'other-group']) {
      const consumer = new Consumer({ bootstrapServers: cluster.native, groupId, autoOffsetReset: 'earliest', enableAutoCommit: false });
      consumer.subscribe(['visible']);
      let seen = 0;
      await waitUntil('records consumed', async () => { seen += (await consumer.poll(500)).length; return seen >= 1; });
      await consumer.commitSync([{ topic: 'visible', partition: 0, offset: 2 }]);
      await consumer.close();
    }
    await putScramUser(cluster.zk, 'alice', 'alice-secret');
    await waitUntil('alice can sign in', async () => (await apiRequest(port(), '/api/cluster', { user: alice })).status === 200);
  });

  it('asks for credentials with 401 and WWW-Authenticate, on the page and the API', async () => {
    for (const path of ['/', '/api/cluster', '/api/topics', '/assets/app.js']) {
      const reply = await apiRequest(port(), path);
      expect(reply.status, path).to.equal(401);
      expect(reply.headers['www-authenticate'], path).to.match(/^Basic realm="Samsa console"/);
    }
    const garbage = await apiRequest(port(), '/api/cluster', { headers: { Authorization: 'Basic !!!' } });
    expect(garbage.status).to.equal(401);
  });

  it('answers 401 for a wrong password and an unknown user', async () => {
    const wrong = await apiRequest(port(), '/api/cluster', { user: ['alice', 'nope'] });
    expect(wrong.status).to.equal(401);
    expect(wrong.headers['www-authenticate']).to.match(/^Basic /);
    expect(wrong.json.error).to.contain('Sign-in failed');
    expect((await apiRequest(port(), '/api/topics', { user: ['mallory', 'x'] })).status).to.equal(401);
  });

  it('shows a signed-in user only the topics their ACLs let them describe', async () => {
    const page = await apiRequest(port(), '/', { user: alice });
    expect(page.status).to.equal(200);
    const cluster1 = await apiRequest(port(), '/api/cluster', { user: alice });
    expect(cluster1.json).to.include({ user: 'alice', authRequired: true });
    const topics = await apiRequest(port(), '/api/topics', { user: alice });
    expect(topics.status).to.equal(200);
    expect(topics.json.map((t: any) => t.name)).to.deep.equal(['visible']);
    const visible = await apiRequest(port(), '/api/topics/visible', { user: alice });
    expect(visible.status, visible.body).to.equal(200);
    const hidden = await apiRequest(port(), '/api/topics/hidden', { user: alice });
    expect(hidden.status).to.be.oneOf([403, 404]);
    expect(hidden.body).to.not.contain('"partitions"');
    const records = await apiRequest(port(), '/api/topics/hidden/records', { user: alice });
    expect(records.status).to.be.oneOf([403, 404]);
  });

  it('serves a group\'s lag history only to a user who may describe the group', async () => {
    let group: any;
    // With an authorizer a group is sampled once someone opened it, as that user.
    await waitUntil('lag sampled as alice', async () => {
      group = await apiRequest(port(), '/api/groups/alice-group', { user: alice });
      return group.status === 200 && group.json.lagHistory.samples.length > 0;
    });
    expect(group.json.lagHistory.samples.at(-1).totalLag).to.equal(3);
    const other = await apiRequest(port(), '/api/groups/other-group', { user: alice });
    expect(other.status).to.be.oneOf([403, 404]);
    expect(other.body).to.not.contain('lagHistory');
  });

  it('stays read-only for signed-in users too', async () => {
    const create = await apiRequest(port(), '/api/topics', { method: 'POST', user: alice, body: '{"name":"x"}' });
    expect(create.status).to.equal(403);
  });

  it('shows a signed-in user in the browser only their topics', async () => {
    const browser = await launchChromium({ httpCredentials: { username: 'alice', password: 'alice-secret' } });
    try {
      const page = browser.context.pages()[0] ?? await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${port()}/#/topics`);
      const rows = page.getByRole('table', { name: 'Topics' }).locator('tbody tr');
      await rows.first().waitFor();
      expect(await rows.allInnerTexts()).to.have.length(1);
      expect(await rows.first().innerText()).to.contain('visible');
      expect(await page.locator('header').innerText()).to.contain('signed in as alice');
    } finally {
      await browser.close();
    }
  });
});
