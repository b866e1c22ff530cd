/**
 * `samsa-console-producer --producer-property transactional.id=...`: the lines go out in
 * transactions, one per **line batch**, where a line batch is the complete lines of one read from
 * stdin. Typing a line and pressing Enter therefore commits that line on its own; a piped file
 * arrives in reads of up to 64 KiB, each committed as one transaction (a final line without a
 * newline joins the last batch at EOF). A read-committed consumer sees a batch all at once or,
 * when a send fails, not at all: the transaction is aborted, the error reported, and the tool
 * exits 1 without reading further. Kafka's console producer has no transactional mode; the
 * batching rule is Samsa's.
 */
import { StringDecoder } from 'string_decoder';
import type { Producer, ProducerRecord } from '../client/producer';
import { LineMessageReader, LineParseError } from './line-message-reader';
import { CliIo, errorMessage } from './options';

export interface TransactionalLinesOptions {
  topic: string;
  sendErrorMessage(record: ProducerRecord, err: unknown): string;
}

/** Splits stdin into line batches: each read's complete lines, the rest carried over. */
export class LineBatcher {
  private carry = '';
  private readonly decoder = new StringDecoder('utf8');

  /** The complete lines of this chunk (without their \n or \r\n). */
  push(chunk: Buffer | string): string[] {
    const text = this.carry + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const parts = text.split('\n');
    this.carry = parts.pop() as string;
    return parts.map(stripCr);
  }

  /** At EOF: the last line if it had no newline. */
  end(): string[] {
    const rest = this.carry + this.decoder.end();
    this.carry = '';
    return rest === '' ? [] : [stripCr(rest)];
  }
}

/** A record the producer refused, already worded as Kafka's ErrorLoggingCallback. */
class SendFailure extends Error {}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Sends stdin's line batches as transactions; returns the exit code. The producer is closed. */
export async function produceTransactionally(producer: Producer, reader: LineMessageReader, opts: TransactionalLinesOptions, io: CliIo): Promise<number> {
  let stopped = false;
  const stop = (): void => { stopped = true; };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const batcher = new LineBatcher();
  let lineNumber = 0;
  let committed = 0;
  const commitBatch = async (lines: string[]): Promise<void> => {
    const records: ProducerRecord[] = [];
    for (const line of lines) {
      const parsed = reader.parse(line, ++lineNumber);
      records.push({ topic: opts.topic, key: parsed.key, value: parsed.value, headers: parsed.headers });
    }
    if (records.length === 0) return;
    producer.beginTransaction();
    try {
      await Promise.all(records.map((r) => producer.send(r).catch((err: unknown) => { throw new SendFailure(opts.sendErrorMessage(r, err)); })));
      await producer.commitTransaction();
      committed += 1;
    } catch (err) {
      await producer.abortTransaction().catch(() => undefined);
      throw err;
    }
  };
  try {
    await producer.initTransactions();
    if (io.stdinIsTTY) io.out('>');
    for await (const chunk of io.stdin) {
      await commitBatch(batcher.push(chunk as Buffer | string));
      if (stopped) break;
      if (io.stdinIsTTY) io.out('>');
    }
    if (!stopped) await commitBatch(batcher.end());
    await producer.close();
    return 0;
  } catch (err) {
    const message = err instanceof SendFailure ? err.message : err instanceof LineParseError ? `Error: ${err.message}` : `Error: ${errorMessage(err)}`;
    io.err(`${message}\n`);
    if (committed > 0) io.err(`${committed} transaction(s) were committed before the failure.\n`);
    await producer.close().catch(() => undefined);
    return 1;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}
