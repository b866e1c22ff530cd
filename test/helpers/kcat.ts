/** Runs Debian's kcat (librdkafka's command-line client) against a Kafka listener, as a user would. */
import { CliResult, runProcess } from './run-cli';

export function runKcat(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return runProcess('kcat', args, { timeoutMs: 30000, ...opts });
}
