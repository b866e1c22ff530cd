/**
 * One broker of a test cluster, behind one interface whether it runs as a child process (the
 * default: `kill()` is a real SIGKILL) or in this process (`inProcess`: faster to start, for
 * single-broker tests; `kill()` can only shut it down). Ports are picked once, so `start()` after
 * `kill()` brings the broker back on the same ports and log dir, as a restarted server would.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Broker } from '../broker/broker';
import { buildBrokerConfig } from '../config/broker-config';
import { formatProperties } from '../config/properties';
import { ChildStartError, RunningChild, startChild } from './child-process';
import { ParentMessage } from './child-watchdog';

const BROKER_READY_TIMEOUT_MS = 30000;

export interface TestBroker {
  readonly id: number;
  readonly logDir: string;
  /** Bound port per listener name (PLAINTEXT, KAFKA); empty until started. */
  readonly ports: Readonly<Record<string, number>>;
  /** The child's pid; this process's pid for an in-process broker; null when stopped. */
  readonly pid: number | null;
  isRunning(): boolean;
  /**
   * Starts the broker with `properties`; a child process is spawned at once and loads while
   * `properties` is still pending (ZooKeeper starting). After the first start, `start()` reuses them.
   */
  start(properties?: Promise<Map<string, string>>): Promise<void>;
  /** SIGKILL (child process); an in-process broker is shut down. */
  kill(): Promise<void>;
  /** Clean shutdown. */
  stop(): Promise<void>;
  /** The broker's recent output (child process only). */
  output(lines?: number): string;
}

export function createTestBroker(id: number, dir: string, inProcess: boolean): TestBroker {
  fs.mkdirSync(dir, { recursive: true });
  return inProcess ? new InProcessBroker(id, dir) : new ChildBroker(id, dir);
}

class ChildBroker implements TestBroker {
  private child: RunningChild | null = null;
  private readonly configFile: string;
  ports: Record<string, number> = {};

  constructor(readonly id: number, readonly logDir: string) {
    this.configFile = path.join(logDir, 'server.properties');
  }

  get pid(): number | null {
    return this.child?.isRunning() ? this.child.pid : null;
  }

  isRunning(): boolean {
    return this.child?.isRunning() ?? false;
  }

  async start(properties?: Promise<Map<string, string>>): Promise<void> {
    if (this.isRunning()) throw new Error(`broker ${this.id} is already running`);
    const script = path.join(__dirname, 'broker-child.js');
    const configured = properties?.then((props): ParentMessage => {
      fs.writeFileSync(this.configFile, formatProperties(props, `Broker ${this.id} of a samsa/testing cluster`));
      return { type: 'start', configFile: this.configFile };
    });
    try {
      this.child = configured
        ? await startChild(`broker ${this.id}`, script, ['--wait', this.configFile], BROKER_READY_TIMEOUT_MS, configured)
        : await startChild(`broker ${this.id}`, script, [this.configFile], BROKER_READY_TIMEOUT_MS);
    } catch (err) {
      if (err instanceof ChildStartError) throw new ChildStartError(`Broker ${this.id} could not start (config ${this.configFile})`, err.output);
      throw err;
    }
    this.ports = this.child.ports;
  }

  async kill(): Promise<void> {
    await this.child?.kill();
  }

  async stop(): Promise<void> {
    await this.child?.stop();
  }

  output(lines?: number): string {
    return this.child?.output(lines) ?? '';
  }
}

class InProcessBroker implements TestBroker {
  private broker: Broker | null = null;
  ports: Record<string, number> = {};

  private properties = new Map<string, string>();

  constructor(readonly id: number, readonly logDir: string) {}

  get pid(): number | null {
    return this.broker ? process.pid : null;
  }

  isRunning(): boolean {
    return this.broker !== null;
  }

  async start(properties?: Promise<Map<string, string>>): Promise<void> {
    if (this.broker) throw new Error(`broker ${this.id} is already running`);
    if (properties) this.properties = await properties;
    const { config } = buildBrokerConfig(Object.fromEntries(this.properties));
    const broker = new Broker(config);
    try {
      await broker.startup();
    } catch (err) {
      await broker.shutdown().catch(() => undefined);
      throw new Error(`Broker ${this.id} could not start: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.broker = broker;
    this.ports = Object.fromEntries(broker.boundPorts);
    // Restarts come back on the same ports.
    this.properties.set('listeners', Object.entries(this.ports).map(([name, port]) => `${name}://127.0.0.1:${port}`).join(','));
  }

  async kill(): Promise<void> {
    await this.stop();
  }

  async stop(): Promise<void> {
    const broker = this.broker;
    this.broker = null;
    await broker?.shutdown();
  }

  output(): string {
    return '';
  }
}
