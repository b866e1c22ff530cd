/**
 * Frames `npm run fuzz` holds back by default because they hit a known, reported problem that is
 * not a decoding bug: repeating it a few thousand times per run would only measure the problem
 * (seconds of blocked event loop and gigabytes of RSS each time, or the file descriptors running
 * out for good) and hide everything else.
 * `--include-known-issues` sends them anyway.
 *
 * Each frame is decoded with the broker's own decoders, so the filter sees what the broker would.
 */
import { Api, apiByKey } from '../lib/protocol/api';
import { readRequestHeader } from '../lib/protocol/frame';
import { CreatePartitionsRequestData, CreateTopicsRequestData } from '../lib/protocol/messages/admin';
import { Reader } from '../lib/protocol/reader';

/**
 * Known issue: nothing bounds the partition count of CreateTopics or CreatePartitions, and both
 * are obeyed by design when well-formed.
 *
 * - validateOnly still builds the whole replica assignment in memory first
 *   (lib/broker/topic-admin.ts computeAssignment, via lib/controller/replica-assignment.ts):
 *   2^24 partitions block the event loop for about 13 s and take 1.7 GB of RSS; above that the
 *   Map overflows (UNKNOWN_SERVER_ERROR) after the same work.
 * - Without validateOnly the partitions are really created, each with an open log file: one
 *   CreatePartitions(count 65536) found by the first full run used up the broker's 20,000 file
 *   descriptors (EMFILE), after which it could no longer accept connections or answer ApiVersions.
 *
 * The limits below keep the fuzzer's side effects within what one test machine can host while
 * still sending creation requests (and validateOnly ones up to 100,000 partitions).
 */
export const MAX_VALIDATED_PARTITIONS = 100_000;
export const MAX_CREATED_PARTITIONS = 256;

function tooMany(partitions: number, validateOnly: boolean): boolean {
  return partitions > (validateOnly ? MAX_VALIDATED_PARTITIONS : MAX_CREATED_PARTITIONS);
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
