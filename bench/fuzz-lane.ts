/**
 * One lane of `npm run fuzz`: a loop that keeps a socket to one of the broker's listeners, writes
 * mutated frames on it until the broker closes it, then opens the next one. Runs of well-formed
 * frames are pipelined; a mutated frame is written alone and its fate (answer, close, silence)
 * awaited before the next, so every counted frame reached a connection the broker was still
 * reading. What an answer must look like depends on the listener's protocol
 * (test/helpers/fuzz-wire-profiles.ts).
 */
import * as net from 'net';
import { FrameDecoder } from '../lib/protocol/frame';
import { WireProfile } from '../test/helpers/fuzz-wire-profiles';

export interface FuzzCounters {
  framesSent: number;
  framesByKind: Record<string, number>;
  responses: number;
  /** Answers refusing the request as a whole (native: a header error code; Kafka: the KIP-511 ApiVersions fallback). */
  refusedResponses: number;
  /** Answers that do not split into frames, or fail the profile's check: a broker bug. */
  malformedResponses: number;
  /** The first few malformed answers, with the request that got them, in hex. */
  malformedSamples: string[];
  connectionsOpened: number;
  connectionsClosedByBroker: number;
  /** Connections the fuzzer gave up on: the broker neither answered nor closed within the idle limit. */
  connectionsAbandoned: number;
  /** The same, by the kind and seed API of the last frame written (`kind/apiKey`), to tell expected silences from stuck requests. */
  abandonedAfter: Map<string, number>;
  connectFailures: number;
}

export function emptyCounters(kinds: readonly string[]): FuzzCounters {
  return {
    framesSent: 0, framesByKind: Object.fromEntries(kinds.map((k) => [k, 0])), responses: 0, refusedResponses: 0,
    malformedResponses: 0, malformedSamples: [], connectionsOpened: 0, connectionsClosedByBroker: 0, connectionsAbandoned: 0, abandonedAfter: new Map(), connectFailures: 0,
  };
}

export interface LaneFrame {
  kind: string;
  seedApiKey: number;
  bytes: Buffer;
}

export interface LaneOptions {
  port: number;
  profile: WireProfile;
  /** The next frame to send ('valid' for a well-formed one). */
  next: (kind?: 'valid') => LaneFrame;
  counters: FuzzCounters;
  /** Takes one frame from the shared budget; false when the run is over or aborted. */
  take: () => boolean;
  /** How long a connection may stay silent with frames unanswered before the lane drops it. */
  idleMs: number;
  /** Most well-formed frames pipelined in one burst. */
  maxBurst: number;
  /** The last frames this lane wrote, newest last, for naming the culprit if the broker dies. */
  recent: LaneFrame[];
}

type Outcome = 'answered' | 'closed' | 'idle';

const RECENT_FRAMES_KEPT = 4;
const MALFORMED_SAMPLES_KEPT = 10;

/** A socket plus the bookkeeping to know when everything written on it has been answered. */
class FuzzSocket {
  private readonly decoder = new FrameDecoder(256 * 1024 * 1024);
  private readonly unanswered: Array<{ bytes: Buffer; expected: unknown }> = [];
  private lastRefused = false;
  private wake: (() => void) | null = null;
  closed = false;

  constructor(readonly socket: net.Socket, private readonly counters: FuzzCounters, private readonly profile: WireProfile) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(port: number, counters: FuzzCounters, profile: WireProfile): Promise<FuzzSocket | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new FuzzSocket(socket, counters, profile));
      });
      socket.once('error', () => resolve(null));
    });
  }

  private malformed(reason: string, request: Buffer | undefined, response: Buffer | null): void {
    const c = this.counters;
    c.malformedResponses++;
    if (c.malformedSamples.length < MALFORMED_SAMPLES_KEPT) {
      c.malformedSamples.push(`${reason}; request ${request?.toString('hex') ?? '(none outstanding)'}; response ${response?.toString('hex').slice(0, 400) ?? '-'}`);
    }
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.malformed(`response framing: ${(err as Error).message}`, this.unanswered[0]?.bytes, null);
      this.socket.destroy();
      return;
    }
    for (const f of frames) {
      this.counters.responses++;
      const request = this.unanswered.shift();
      if (!request) {
        this.malformed('an answer to no outstanding request', undefined, f);
        continue;
      }
      const verdict = this.profile.check(f, request.expected);
      this.lastRefused = verdict === 'refused';
      if (verdict === 'refused') this.counters.refusedResponses++;
      else if (verdict !== 'ok') this.malformed(verdict.malformed, request.bytes, f);
    }
    this.wake?.();
  }

  write(bytes: Buffer): void {
    this.unanswered.push({ bytes, expected: this.profile.expect(bytes) });
    this.lastRefused = false;
    this.socket.write(bytes);
  }

  /** Waits until every frame written so far is answered, the broker closes, or `idleMs` pass without progress. */
  async settle(idleMs: number): Promise<Outcome> {
    for (;;) {
      if (this.closed) return 'closed';
      if (this.unanswered.length === 0) break;
      const before = this.unanswered.length;
      await this.waitForEvent(idleMs);
      if (!this.closed && this.unanswered.length === before) return 'idle';
    }
    if (this.lastRefused && this.profile.closeAfterRefusalMs > 0) {
      await this.waitForEvent(this.profile.closeAfterRefusalMs);
      if (this.closed) return 'closed';
    }
    return 'answered';
  }

  private waitForEvent(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
    });
  }
}

export async function runLane(o: LaneOptions): Promise<void> {
  const c = o.counters;
  let conn: FuzzSocket | null = null;
  while (o.take()) {
    if (!conn) {
      conn = await FuzzSocket.open(o.port, c, o.profile);
      if (!conn) {
        c.connectFailures++;
        return;
      }
      c.connectionsOpened++;
    }
    const first = o.next();
    const burst = [first];
    // A run of well-formed frames is pipelined: the broker keeps several in flight and must answer in order.
    if (first.kind === 'valid') {
      for (let n = Math.floor(Math.random() * o.maxBurst); n > 0 && o.take(); n--) burst.push(o.next('valid'));
    }
    for (const frame of burst) {
      conn.write(frame.bytes);
      c.framesSent++;
      c.framesByKind[frame.kind] = (c.framesByKind[frame.kind] ?? 0) + 1;
      o.recent.push(frame);
      if (o.recent.length > RECENT_FRAMES_KEPT) o.recent.shift();
    }
    const outcome = await conn.settle(o.idleMs);
    if (outcome === 'closed') {
      c.connectionsClosedByBroker++;
      conn = null;
    } else if (outcome === 'idle') {
      c.connectionsAbandoned++;
      const last = burst[burst.length - 1];
      const key = `${last.kind}/${last.seedApiKey}`;
      c.abandonedAfter.set(key, (c.abandonedAfter.get(key) ?? 0) + 1);
      conn.socket.destroy();
      conn = null;
    }
  }
  conn?.socket.destroy();
}
