/**
 * One lane of `npm run fuzz`: a loop that keeps a socket to the broker, writes mutated frames on
 * it until the broker closes it, then opens the next one. Runs of well-formed frames are
 * pipelined; a mutated frame is written alone and its fate (answer, close, silence) awaited
 * before the next, so every counted frame reached a connection the broker was still reading.
 */
import * as net from 'net';
import { FrameDecoder } from '../lib/protocol/frame';
import { MUTATION_KINDS, MutatedFrame, MutationKind } from '../test/helpers/frame-mutator';

export interface FuzzCounters {
  framesSent: number;
  framesByKind: Record<MutationKind, number>;
  responses: number;
  /** Responses whose header carries an error code (the request was refused as a whole). */
  errorResponses: number;
  /** Response bytes that did not split into frames with a readable header: a broker bug. */
  malformedResponses: number;
  connectionsOpened: number;
  connectionsClosedByBroker: number;
  /** Connections the fuzzer gave up on: the broker neither answered nor closed within the idle limit. */
  connectionsAbandoned: number;
  connectFailures: number;
}

export function emptyCounters(): FuzzCounters {
  const framesByKind = Object.fromEntries(MUTATION_KINDS.map((k) => [k, 0])) as Record<MutationKind, number>;
  return {
    framesSent: 0, framesByKind, responses: 0, errorResponses: 0, malformedResponses: 0,
    connectionsOpened: 0, connectionsClosedByBroker: 0, connectionsAbandoned: 0, connectFailures: 0,
  };
}

export interface LaneOptions {
  port: number;
  /** The next frame to send (of `kind` if given). */
  next: (kind?: MutationKind) => MutatedFrame;
  counters: FuzzCounters;
  /** Takes one frame from the shared budget; false when the run is over or aborted. */
  take: () => boolean;
  /** How long a connection may stay silent with frames unanswered before the lane drops it. */
  idleMs: number;
  /** Most well-formed frames pipelined in one burst. */
  maxBurst: number;
  /** The last frames this lane wrote, newest last, for naming the culprit if the broker dies. */
  recent: MutatedFrame[];
}

type Outcome = 'answered' | 'closed' | 'idle';

const RECENT_FRAMES_KEPT = 4;
/** How long to wait for the close that follows a refusal (the broker ends the socket right after the error answer). */
const CLOSE_AFTER_ERROR_MS = 50;

/** A socket plus the bookkeeping to know when everything written on it has been answered. */
class FuzzSocket {
  private readonly decoder = new FrameDecoder(256 * 1024 * 1024);
  private written = 0;
  private answered = 0;
  private lastErrorCode = 0;
  private wake: (() => void) | null = null;
  closed = false;

  constructor(readonly socket: net.Socket, private readonly counters: FuzzCounters) {
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static open(port: number, counters: FuzzCounters): Promise<FuzzSocket | null> {
    return new Promise((resolve) => {
      const socket = net.connect({ port, host: '127.0.0.1' });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        socket.removeAllListeners('error');
        resolve(new FuzzSocket(socket, counters));
      });
      socket.once('error', () => resolve(null));
    });
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch {
      this.counters.malformedResponses++;
      this.socket.destroy();
      return;
    }
    for (const f of frames) {
      this.answered++;
      this.counters.responses++;
      if (f.length < 6) {
        this.counters.malformedResponses++;
        continue;
      }
      this.lastErrorCode = f.readInt16BE(4);
      if (this.lastErrorCode !== 0) this.counters.errorResponses++;
    }
    this.wake?.();
  }

  write(bytes: Buffer): void {
    this.written++;
    this.lastErrorCode = 0;
    this.socket.write(bytes);
  }

  /** Waits until every frame written so far is answered, the broker closes, or `idleMs` pass without progress. */
  async settle(idleMs: number): Promise<Outcome> {
    for (;;) {
      if (this.closed) return 'closed';
      if (this.answered >= this.written) break;
      const before = this.answered;
      await this.waitForEvent(idleMs);
      if (!this.closed && this.answered === before) return 'idle';
    }
    if (this.lastErrorCode !== 0) {
      await this.waitForEvent(CLOSE_AFTER_ERROR_MS);
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
      conn = await FuzzSocket.open(o.port, c);
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
      c.framesByKind[frame.kind]++;
      o.recent.push(frame);
      if (o.recent.length > RECENT_FRAMES_KEPT) o.recent.shift();
    }
    const outcome = await conn.settle(o.idleMs);
    if (outcome === 'closed') {
      c.connectionsClosedByBroker++;
      conn = null;
    } else if (outcome === 'idle') {
      c.connectionsAbandoned++;
      conn.socket.destroy();
      conn = null;
    }
  }
  conn?.socket.destroy();
}
