/**
 * What a fuzzer accepts as an answer on each listener: shared by `npm run fuzz` (bench/fuzz-lane.ts)
 * and the fuzz integration tests.
 *
 * Native: every frame is answered, a refusal carries an error code in the response header and is
 * followed by a close. Kafka: there is no error field in the header; what cannot be served is
 * not answered at all, the connection is closed (KIP-511's ApiVersions fallback excepted), so an
 * answer must carry the request's correlation id and decode, to its last byte, as the response
 * of the API and version the request named.
 */
import { ErrorCode } from '../../lib/protocol/errors';
import { API_VERSIONS_KEY, isFlexible, responseHeaderVersion } from '../../lib/protocol/kafka/kafka-api';
import { kafkaApiByKey } from '../../lib/protocol/kafka/kafka-apis';
import { Reader } from '../../lib/protocol/reader';

/** How one protocol's answers are judged. */
export interface WireProfile {
  readonly protocol: string;
  /** What the answer to `frame` must be, computed when it is written (the frame's own bytes say which request it is). */
  expect(frame: Buffer): unknown;
  /**
   * Judges one response frame (size prefix removed) against the expectation of the oldest
   * unanswered request: 'refused' answers are followed by a close, 'malformed' is a broker bug
   * (the reason is returned).
   */
  check(response: Buffer, expected: unknown): Verdict;
  /** How long to wait for the close that follows a 'refused' answer. */
  readonly closeAfterRefusalMs: number;
}

export type Verdict = 'ok' | 'refused' | { malformed: string };

export const nativeProfile: WireProfile = {
  protocol: 'native',
  expect: () => null,
  check(response) {
    if (response.length < 6) return { malformed: `response of ${response.length} bytes is shorter than a response header` };
    return response.readInt16BE(4) !== 0 ? 'refused' : 'ok';
  },
  // The broker ends the socket right after an error answer.
  closeAfterRefusalMs: 50,
};

/** Served versions per API key, as the Kafka listener's ApiVersions lists them. */
export type ServedVersions = ReadonlyMap<number, { min: number; max: number }>;

type KafkaExpectation =
  | { answer: false; why: string }
  | { answer: true; correlationId: number; what: string; decode: ((r: Reader) => unknown) | null; fallback: boolean };

function skipTaggedFields(r: Reader): void {
  for (let n = r.readUnsignedVarint(); n > 0; n--) {
    r.readUnsignedVarint();
    r.skip(r.readUnsignedVarint());
  }
}

function expectKafka(frame: Buffer, served: ServedVersions): KafkaExpectation {
  if (frame.length < 12) return { answer: false, why: 'frame shorter than a Kafka header prefix' };
  const apiKey = frame.readInt16BE(4);
  const version = frame.readInt16BE(6);
  const correlationId = frame.readInt32BE(8);
  const range = served.get(apiKey);
  if (!range) return { answer: false, why: `API key ${apiKey} is not served` };
  const api = kafkaApiByKey(apiKey);
  if (version < range.min || version > range.max) {
    if (apiKey !== API_VERSIONS_KEY || !api) return { answer: false, why: `version ${version} of API ${apiKey} is not served` };
    // KIP-511: answered at v0 (header v0, plain encoding) whatever version was asked.
    return { answer: true, correlationId, what: `ApiVersions v${version} (v0 fallback)`, decode: (r) => api.response.read(r, 0, false), fallback: true };
  }
  if (!api) return { answer: true, correlationId, what: `API ${apiKey} v${version} (no definition here to decode it)`, decode: null, fallback: false };
  return {
    answer: true, correlationId, what: `${api.name} v${version}`, fallback: false,
    decode: (r) => {
      if (responseHeaderVersion(api, version) === 1) skipTaggedFields(r);
      return api.response.read(r, version, isFlexible(api, version));
    },
  };
}

export function kafkaProfile(served: ServedVersions): WireProfile {
  return {
    protocol: 'kafka',
    expect: (frame) => expectKafka(frame, served),
    check(response, expected) {
      const e = expected as KafkaExpectation;
      if (!e.answer) return { malformed: `answered a request it should have closed on (${e.why})` };
      if (response.length < 4) return { malformed: `response of ${response.length} bytes has no correlation id` };
      const r = new Reader(response);
      const correlationId = r.readInt32();
      if (correlationId !== e.correlationId) return { malformed: `correlation id ${correlationId} answers a request with ${e.correlationId}` };
      if (!e.decode) return 'ok';
      let body: unknown;
      try {
        body = e.decode(r);
      } catch (err) {
        return { malformed: `${e.what} response does not decode: ${(err as Error).message}` };
      }
      if (r.remaining !== 0) return { malformed: `${e.what} response has ${r.remaining} trailing bytes` };
      if (e.fallback) {
        return (body as { errorCode: number }).errorCode === ErrorCode.UNSUPPORTED_VERSION.code
          ? 'refused' : { malformed: `ApiVersions fallback answered error ${(body as { errorCode: number }).errorCode}` };
      }
      return 'ok';
    },
    // The KIP-511 fallback keeps the connection open: nothing to wait for.
    closeAfterRefusalMs: 0,
  };
}
