/**
 * The console's admin clients, one per signed-in user (one in all without an authorizer), kept
 * between page refreshes so a refresh does not pay a SASL handshake. Bounded in count and closed
 * when idle, so a stream of different users cannot pile up connections to the broker.
 */
import { createHash } from 'crypto';
import { Admin } from '../client/admin';
import { Consumer } from '../client/consumer';
import { ErrorCode, SamsaError } from '../protocol/errors';
import { BasicCredentials, ConsoleTarget } from './console-target';

/** At most this many cached admin clients (users); the least recently used one is closed first. */
const MAX_CLIENTS = 16;
/** A client unused this long (ms) is closed. */
const IDLE_MS = 5 * 60_000;
/** Console requests must answer while the page still waits: 10 s per broker request (ms). */
const REQUEST_TIMEOUT_MS = 10_000;

interface Entry {
  admin: Promise<Admin>;
  lastUsedMs: number;
}

export class ConsoleClients {
  private readonly entries = new Map<string, Entry>();
  /** Closes idle clients even when no request comes to notice them. */
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly target: ConsoleTarget) {
    this.sweeper = setInterval(() => this.expireIdle(), IDLE_MS / 5);
    this.sweeper.unref();
  }

  /** The user's admin client, connected (which signs in); rejects with the broker's error, e.g. SASL_AUTHENTICATION_FAILED. */
  async admin(user: BasicCredentials | null): Promise<Admin> {
    this.expireIdle();
    const key = user === null ? '' : `${user.username}\u0000${createHash('sha256').update(user.password).digest('hex')}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { admin: this.connect(user), lastUsedMs: Date.now() };
      this.entries.set(key, entry);
      // Failed sign-ins are not kept: the next request tries again.
      entry.admin.catch(() => { if (this.entries.get(key) === entry) this.entries.delete(key); });
      while (this.entries.size > MAX_CLIENTS) this.evict(this.entries.keys().next().value as string);
    } else {
      // Map order is recency order: re-insert on use.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    entry.lastUsedMs = Date.now();
    return entry.admin;
  }

  /** A fresh consumer without a group for one record browse; the caller closes it. */
  consumer(user: BasicCredentials | null, maxPollRecords: number): Consumer {
    return new Consumer({
      bootstrapServers: this.bootstrap(), security: this.target.security(user), clientId: 'samsa-console',
      requestTimeoutMs: REQUEST_TIMEOUT_MS, maxPollRecords, autoOffsetReset: 'earliest',
    });
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const key of [...this.entries.keys()]) this.evict(key);
  }

  private async connect(user: BasicCredentials | null): Promise<Admin> {
    const admin = new Admin({ bootstrapServers: this.bootstrap(), security: this.target.security(user), clientId: 'samsa-console', requestTimeoutMs: REQUEST_TIMEOUT_MS });
    try {
      await admin.connect();
      return admin;
    } catch (err) {
      await admin.close().catch(() => undefined);
      throw err;
    }
  }

  private bootstrap(): string {
    const bootstrap = this.target.bootstrap();
    if (bootstrap === null) throw new SamsaError(ErrorCode.BROKER_NOT_AVAILABLE, 'the broker\'s listener is not bound yet');
    return bootstrap;
  }

  private expireIdle(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [key, entry] of this.entries) if (entry.lastUsedMs < cutoff) this.evict(key);
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    entry.admin.then((admin) => admin.close(), () => undefined).catch(() => undefined);
  }
}
