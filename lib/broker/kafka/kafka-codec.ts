/**
 * The Apache Kafka wire protocol as a wire codec (broker side).
 *
 * Kafka's rules for what cannot be served: there is no error field in its response header, so
 * an unknown API key, an unsupported version or a malformed request closes the connection with a
 * log line; the one exception is ApiVersions at a version too new, answered at v0 with
 * UNSUPPORTED_VERSION and the versions served, so the client can retry (KIP-511). A handler that
 * fails as a whole answers with the error in every item when its API knows how, else closes.
 */
import { ErrorCode, ProtocolError, SamsaError } from '../../protocol/errors';
import { isFlexible } from '../../protocol/kafka/kafka-api';
import {
  encodeKafkaResponseFrame, KAFKA_HEADER_PREFIX_BYTES, readKafkaHeaderPrefix, readKafkaHeaderRest,
} from '../../protocol/kafka/kafka-frame';
import { KafkaApiVersions } from '../../protocol/kafka/messages/metadata';
import { Reader } from '../../protocol/reader';
import { Logger } from '../../util/logger';
import { DecodeResult, RejectedFrame, WireCodec } from '../wire-codec';
import { KafkaDispatcher } from './kafka-dispatcher';

function close(message: string): DecodeResult {
  return { ok: false, rejected: { message, reply: null, keepOpen: false } };
}

export class KafkaCodec implements WireCodec {
  constructor(private readonly dispatcher: KafkaDispatcher, private readonly logger: Logger, private readonly remoteAddress: string) {}

  decode(frame: Buffer): DecodeResult {
    if (frame.length < KAFKA_HEADER_PREFIX_BYTES) return close(`frame of ${frame.length} bytes is shorter than a Kafka request header`);
    const r = new Reader(frame);
    const prefix = readKafkaHeaderPrefix(r);
    const registration = this.dispatcher.lookup(prefix.apiKey);
    if (!registration) return close(`unknown Kafka API key ${prefix.apiKey}`);
    const { api, handler, errorResponse } = registration;
    if (prefix.apiVersion < api.minVersion || prefix.apiVersion > api.maxVersion) {
      if (api.key === KafkaApiVersions.key) return this.apiVersionsFallback(prefix.correlationId, prefix.apiVersion);
      return close(`${api.name} version ${prefix.apiVersion} is not served (served: ${api.minVersion}-${api.maxVersion})`);
    }
    let clientId: string | null;
    let body: unknown;
    try {
      clientId = readKafkaHeaderRest(r, api, prefix.apiVersion);
      body = api.request.read(r, prefix.apiVersion, isFlexible(api, prefix.apiVersion));
      if (r.remaining !== 0) throw new ProtocolError(`${r.remaining} unexpected trailing bytes`);
    } catch (err) {
      return close(`malformed ${api.name} v${prefix.apiVersion} request: ${(err as Error).message}`);
    }
    const header = { ...prefix, clientId };
    const version = prefix.apiVersion;
    return {
      ok: true,
      request: {
        apiName: api.name,
        header,
        body,
        run: (ctx) => handler(body, ctx),
        encode: (response) => encodeKafkaResponseFrame(api, version, prefix.correlationId, response),
        encodeError: (err) => {
          if (!(err instanceof SamsaError)) {
            this.logger.error(`Unexpected error handling Kafka ${api.name} from ${this.remoteAddress}: ${(err as Error)?.stack ?? String(err)}`);
          }
          if (!errorResponse) return null;
          const code = err instanceof SamsaError ? err.code : ErrorCode.UNKNOWN_SERVER_ERROR.code;
          return encodeKafkaResponseFrame(api, version, prefix.correlationId, errorResponse(body, code, version));
        },
        // Kafka has no header error to explain with: it closes without an answer.
        rejectUnauthenticated: () => null,
      },
    };
  }

  /** KIP-511: an ApiVersions request newer than served gets a v0 answer naming what is served. */
  private apiVersionsFallback(correlationId: number, version: number): DecodeResult {
    const body = { errorCode: ErrorCode.UNSUPPORTED_VERSION.code, apiKeys: this.dispatcher.supported(), throttleTimeMs: 0 };
    return {
      ok: false,
      rejected: {
        message: `ApiVersions v${version} is newer than served; answered at v0 with the served versions`,
        reply: encodeKafkaResponseFrame(KafkaApiVersions, 0, correlationId, body),
        keepOpen: true,
      },
    };
  }

  rejectStream(err: Error): RejectedFrame {
    return { message: err.message, reply: null, keepOpen: false };
  }
}
