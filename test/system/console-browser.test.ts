import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { Page } from 'playwright-core';
import { Admin } from '../../lib/client/admin';
import { Consumer } from '../../lib/client/consumer';
import { Producer } from '../../lib/client/producer';
import { Chromium, launchChromium } from '../helpers/chromium';
import { useReplicatedCluster } from '../helpers/replicated-cluster';
import { waitUntil } from '../helpers/wait';

const TOPIC = 'orders';
const PARTITIONS = 3;
/** The docs (docs/operations.md, Web console) show these. */
const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'docs', 'images');

/**
 * The web console in a real browser: headless Chromium opens a 3-broker cluster's console and
 * finds the brokers, the topic with its ISR, a consumer group with its lag and a produced record,
 * saving the screenshots the operations guide uses.
 */
describe('system/console-browser', function () {
  this.timeout(90000);
  let browser: Chromium;
  let page: Page;
  let consumer: Consumer;
  /** Background traffic on another topic, so the throughput chart has something to draw. */
  let traffic: { producer: Producer; stop: boolean; done: Promise<void> } | null = null;
  // Registered before the cluster's own hook, so clients close while the brokers still run.
  after(async () => {
    if (traffic) { traffic.stop = true; await traffic.done; await traffic.producer.close(); }
    await browser?.close();
    await consumer?.close();
  });
  const cluster = useReplicatedCluster(TOPIC, PARTITIONS, { 'http.listener': 'http://127.0.0.1:{httpPort}' });

  before(async () => {
    const producer = new Producer({ bootstrapServers: cluster.bootstrap, acks: 'all' });
    for (let i = 0; i < 30; i++) {
      await producer.send({ topic: TOPIC, partition: i % PARTITIONS, key: `order-${i}`, value: JSON.stringify({ order: i, item: `widget-${i}` }), headers: [{ key: 'source', value: 'console-test' }] });
    }
    consumer = new Consumer({ bootstrapServers: cluster.bootstrap, groupId: 'billing', autoOffsetReset: 'earliest', enableAutoCommit: false });
    consumer.subscribe([TOPIC]);
    let seen = 0;
    await waitUntil('the group consumed everything', async () => { seen += (await consumer.poll(500)).length; return seen >= 30; }, 30000);
    await consumer.commitSync();
    // Ten more that the group has not read: a lag of 10.
    for (let i = 30; i < 40; i++) await producer.send({ topic: TOPIC, partition: i % PARTITIONS, value: JSON.stringify({ order: i, item: `widget-${i}` }) });
    await producer.close();

    const admin = new Admin({ bootstrapServers: cluster.bootstrap });
    await admin.createTopic({ topic: 'clicks', numPartitions: 3, replicationFactor: 3 });
    await admin.close();
    const background = { producer: new Producer({ bootstrapServers: cluster.bootstrap, acks: 1 }), stop: false, done: Promise.resolve() };
    background.done = (async () => {
      for (let i = 0; !background.stop; i++) {
        await background.producer.send({ topic: 'clicks', partition: i % 3, value: `click-${i}` }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    traffic = background;

    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? await browser.context.newPage();
  });


  const shot = (name: string) => page.screenshot({ path: path.join(SCREENSHOTS, `console-${name}.png`), fullPage: true });

  it('shows the cluster: its brokers with endpoints and the controller', async () => {
    await page.goto(`http://127.0.0.1:${cluster.httpPort(1)}/`);
    const brokers = page.getByRole('table', { name: 'Brokers' });
    await waitUntil('three brokers listed', async () => (await brokers.locator('tbody tr').count()) === 3);
    const listed = await brokers.locator('tbody').innerText();
    for (const endpoint of cluster.bootstrap.split(',')) expect(listed).to.contain(endpoint);
    expect(await brokers.locator('tbody').innerText()).to.contain('controller');
    // Keyboard: the first Tab lands on the first navigation link.
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string | null>('document.activeElement && document.activeElement.textContent')).to.equal('Cluster');
    await shot('cluster');
  });

  it('lists the topic with its replicas and ISR', async () => {
    await page.getByRole('link', { name: 'Topics' }).click();
    const row = page.getByRole('table', { name: 'Topics' }).locator('tbody tr').filter({ hasText: TOPIC });
    await row.waitFor();
    const text = await row.innerText();
    expect(text).to.match(/P0: leader \d · \[[123], [123], [123]\] · ISR \[[123], [123], [123]\]/);
    expect(text).to.contain('in sync');
    await shot('topics');
  });

  it('opens the topic and browses its records, decoded as JSON', async () => {
    await page.getByRole('link', { name: TOPIC, exact: true }).click();
    await page.getByRole('table', { name: 'Partitions' }).locator('tbody tr').first().waitFor();
    const form = page.getByRole('form', { name: 'Browse records' });
    await form.getByLabel('Show as').selectOption('json');
    await form.getByRole('button', { name: 'Browse' }).click();
    const records = page.getByRole('table', { name: 'Records' });
    await records.locator('tbody tr').first().waitFor();
    const text = await records.innerText();
    expect(text).to.contain('"item": "widget-0"');
    expect(text).to.contain('source');
    await shot('topic');
  });

  it('shows the consumer group, its members and its lag', async () => {
    await page.getByRole('link', { name: 'Consumer groups' }).click();
    await page.getByRole('link', { name: 'billing' }).click();
    await waitUntil('the lag shown', async () => (await page.getByTestId('total-lag').textContent().catch(() => null)) === '10', 20000);
    const lagTable = await page.getByRole('table', { name: 'Lag per partition' }).innerText();
    expect(lagTable).to.contain(TOPIC);
    expect(await page.getByRole('table', { name: 'Members' }).innerText()).to.contain(`${TOPIC}-0`);
    // Let the next refresh (every 5 s) add the live point to the broker-kept lag history before the screenshot.
    await new Promise((resolve) => setTimeout(resolve, 5500));
    await shot('group');
  });

  it('draws the throughput chart and fits a phone screen', async () => {
    await page.getByRole('link', { name: 'Throughput' }).click();
    await waitUntil('two throughput samples (one every 5 s)', async () => Number(await page.getByTestId('sample-count').textContent()) >= 2, 20000);
    const history = await (await fetch(`http://127.0.0.1:${cluster.httpPort(1)}/api/throughput`)).json() as { samples: Array<{ messagesPerSec: number }> };
    expect(history.samples.some((sample) => sample.messagesPerSec > 0), 'broker 1 leads a clicks partition that gets traffic').to.equal(true);
    await page.locator('figure.chart canvas').first().waitFor();
    await shot('throughput');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('link', { name: 'Topics' }).click();
    await page.getByRole('table', { name: 'Topics' }).locator('tbody tr').first().waitFor();
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow, 'no sideways scrolling of the page').to.be.at.most(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'console-phone.png') });
  });
});
