/**
 * Frames `npm run fuzz` holds back by default because they hit a known, reported problem that is
 * not a decoding bug: repeating it a few thousand times per run would only measure the problem
 * (seconds of blocked event loop and gigabytes of RSS each time, or the file descriptors running
 * out for good) and hide everything else.
 * `--include-known-issues` sends them anyway.
 *
 * Each frame is decoded with the broker's own decoders (native or Kafka), so the filter sees what
 * the broker would.
 */
import { Api, apiByKey } from '../lib/protocol/api';
import { readRequestHeader } from '../lib/protocol/frame';
import { isFlexible } from '../lib/protocol/kafka/kafka-api';
import { kafkaApiByKey } from '../lib/protocol/kafka/kafka-apis';
import { readKafkaHeaderPrefix, readKafkaHeaderRest } from '../lib/protocol/kafka/kafka-frame';
import { CreatePartitionsRequestData, CreateTopicsRequestData } from '../lib/protocol/messages/admin';
import { Reader } from '../lib/protocol/reader';

/**
 * Known limit: well-formed CreateTopics and CreatePartitions are obeyed, up to the broker's
 * MAX_PARTITIONS_PER_TOPIC (10,000; larger counts are refused with INVALID_PARTITIONS, which the
 * fuzzer does send). Each partition created holds open log files, so a few thousand real ones
 * per request would use up a test machine's file descriptors (the first full run hit EMFILE with
 * CreatePartitions(count 65536), before the per-topic bound existed), as they would on Kafka.
 * The fuzzer therefore creates at most 256 partitions per request; validateOnly is sent as is.
 */
export const MAX_CREATED_PARTITIONS = 256;
const REFUSED_ABOVE = 10_000;

function tooMany(partitions: number, validateOnly: boolean): boolean {
  return !validateOnly && partitions > MAX_CREATED_PARTITIONS && partitions <= REFUSED_ABOVE;
}

/** The name of the known issue this frame would trigger, or null. */
export function knownIssue(frame: Buffer): string | null {
  if (frame.length < 14 || frame.readInt32BE(0) !== frame.length - 4) return null;
  const apiKey = frame.readInt16BE(4);
  if (apiKey !== Api.CreateTopics.key && apiKey !== Api.CreatePartitions.key) return null;
  const r = new Reader(frame, 4);
  let body: unknown;
  try {
    const header = readRequestHeader(r);
    const api = apiByKey(header.apiKey);
    if (!api || header.apiVersion < api.minVersion || header.apiVersion > api.maxVersion) return null;
    body = api.request.read(r, header.apiVersion);
  } catch {
    return null;
  }
  if (apiKey === Api.CreateTopics.key) {
    const req = body as CreateTopicsRequestData;
    return req.topics.some((t) => tooMany(t.numPartitions, req.validateOnly)) ? 'CreateTopics with too many partitions' : null;
  }
  const req = body as CreatePartitionsRequestData;
  return req.topics.some((t) => tooMany(t.count, req.validateOnly)) ? 'CreatePartitions with too many partitions' : null;
}

/**
 * Kafka's CreateTopics (19) and CreatePartitions (37) on the Kafka listener, decoded with the Kafka
 * definitions once they exist in allKafkaApis() (field names as in Kafka's specs, which are the
 * native ones: topics[].numPartitions, topics[].count, validateOnly). Kafka's numPartitions -1
 * means the broker's default (num.partitions) and passes.
 */
const KAFKA_CREATE_TOPICS = 19;
const KAFKA_CREATE_PARTITIONS = 37;

interface KafkaCreationBody {
  topics?: Array<{ numPartitions?: unknown; count?: unknown }>;
  validateOnly?: unknown;
}

export function knownKafkaIssue(frame: Buffer): string | null {
  if (frame.length < 14 || frame.readInt32BE(0) !== frame.length - 4) return null;
  const apiKey = frame.readInt16BE(4);
  if (apiKey !== KAFKA_CREATE_TOPICS && apiKey !== KAFKA_CREATE_PARTITIONS) return null;
  const api = kafkaApiByKey(apiKey);
  const r = new Reader(frame, 4);
  let body: KafkaCreationBody;
  try {
    const { apiVersion } = readKafkaHeaderPrefix(r);
    if (!api || apiVersion < api.minVersion || apiVersion > api.maxVersion) return null;
    readKafkaHeaderRest(r, api, apiVersion);
    body = api.request.read(r, apiVersion, isFlexible(api, apiVersion)) as KafkaCreationBody;
  } catch {
    return null;
  }
  const validateOnly = body.validateOnly === true;
  const field = apiKey === KAFKA_CREATE_TOPICS ? 'numPartitions' : 'count';
  const many = (body.topics ?? []).some((t) => typeof t[field] === 'number' && tooMany(t[field] as number, validateOnly));
  return many ? `Kafka ${api!.name} with too many partitions` : null;
}
