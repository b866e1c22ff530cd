/**
 * `samsa-mirror-maker`: copies topics from a source cluster to a target cluster until stopped
 * (Kafka's kafka-mirror-maker, with MirrorMaker 2's topic-config sync, renaming and checkpoints;
 * the engine is lib/mirror/). SIGINT/SIGTERM stop it cleanly: polling stops, the producer is
 * flushed and every offset the target acknowledged is committed on the source. Exit code 0 after
 * a clean stop, 1 after a fatal error (a send failure with --abort.on.send.failure true).
 */
import type { Server } from 'http';
import { MirrorMaker } from '../mirror/mirror-maker';
import { mirrorRegistry, serveMetrics } from '../mirror/mirror-metrics';
import { MirrorStats } from '../mirror/mirror-stats';
import { CliIo, errorMessage, processIo, runMain } from './options';
import { parseMirrorMakerArgs } from './mirror-maker-options';

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const parsed = parseMirrorMakerArgs(argv, io);
  if (!parsed.ok) return parsed.exitCode;
  const opts = parsed.options;
  for (const w of opts.warnings) io.err(`WARN: ${w}\n`);
  let server: Server | null = null;
  const stats = new MirrorStats();
  const registry = opts.metricsPort === null ? undefined : mirrorRegistry(stats);
  const mm = new MirrorMaker({
    ...opts,
    consumer: { ...opts.consumer, metricsRegistry: registry },
    producer: { ...opts.producer, metricsRegistry: registry },
    stats,
    report: (line) => io.out(`[${new Date().toISOString()}] ${line}\n`),
  });
  if (registry !== undefined && opts.metricsPort !== null) {
    try {
      server = await serveMetrics(registry, opts.metricsPort);
      const address = server.address();
      io.err(`Serving metrics on http://0.0.0.0:${typeof address === 'object' && address ? address.port : opts.metricsPort}/metrics\n`);
    } catch (err) {
      io.err(`Error: cannot serve metrics on port ${opts.metricsPort}: ${errorMessage(err)}\n`);
      return 1;
    }
  }
  const stop = (): void => {
    io.err('Shutting down the mirror maker: flushing and committing what the target acknowledged.\n');
    void mm.stop();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await mm.start();
    io.err(`Mirror maker started: ${mm.topics.length} topic(s) matching the include pattern: ${mm.topics.join(', ')}\n`);
    await mm.done;
    io.err(`Mirror maker stopped after copying ${mm.stats.records} records.\n`);
    return 0;
  } catch (err) {
    io.err(`Error: ${errorMessage(err)}\n`);
    await mm.stop().catch(() => undefined);
    return 1;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    server?.close();
  }
}

if (require.main === module) runMain((argv) => main(argv));
