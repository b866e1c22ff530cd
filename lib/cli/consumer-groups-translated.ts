/**
 * `--reset-offsets --to-translated` on a mirror maker's target cluster: finds the checkpoints
 * topic (`<alias>.checkpoints.internal`, or `checkpoints.internal` without an alias) and reads the
 * group's latest checkpoint per partition, whose downstream offset is where the group resumes
 * without skipping records (lib/mirror/offset-sync-store.ts explains why).
 */
import type { ClientOptions } from '../client/client-options';
import { readCheckpoints } from '../mirror/internal-topic-reader';
import { CommandError, UsageError } from './options';

const CHECKPOINTS_TOPIC = /(^|\.)checkpoints\.internal$/;

export async function translatedOffsets(options: ClientOptions, listTopics: () => Promise<string[]>, group: string,
  checkpointsTopic: string | null): Promise<Array<{ topic: string; partition: number; downstreamOffset: number }>> {
  const topics = await listTopics();
  let topic = checkpointsTopic;
  if (topic === null) {
    const found = topics.filter((t) => CHECKPOINTS_TOPIC.test(t));
    if (found.length === 0) {
      throw new CommandError('No checkpoints topic on this cluster: --to-translated needs a samsa-mirror-maker writing checkpoints here (emit.checkpoints.enabled=true).');
    }
    if (found.length > 1) throw new UsageError(`Several checkpoints topics (${found.join(', ')}): choose one with --checkpoints-topic`);
    topic = found[0];
  } else if (!topics.includes(topic)) {
    throw new CommandError(`Checkpoints topic '${topic}' does not exist on this cluster.`);
  }
  const checkpoints = await readCheckpoints(options, topic, group);
  if (checkpoints.length === 0) throw new CommandError(`No checkpoint of group ${group} in ${topic}: the mirror maker has not translated its offsets (yet).`);
  return checkpoints;
}
