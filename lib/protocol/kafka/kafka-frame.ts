/**
 * Kafka's request and response headers (docs/protocol.md "Kafka listener").
 *
 *   Request header v1  => apiKey:int16 apiVersion:int16 correlationId:int32 clientId:nullableString
 *   Request header v2  => v1 + tagged fields          (flexible versions; clientId stays non-compact)
 *   Response header v0 => correlationId:int32
 *   Response header v1 => correlationId:int32 + tagged fields
 *
 * Unlike Samsa's native header there is no error code: errors travel in the body, per item.
 */
import { ProtocolError } from '../errors';
import { Reader } from '../reader';
import { Writer } from '../writer';
import { AnyKafkaApiDef, isFlexible, responseHeaderVersion } from './kafka-api';

export interface KafkaRequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** apiKey + apiVersion + correlationId: enough to answer or log even when the rest is garbage. */
export const KAFKA_HEADER_PREFIX_BYTES = 8;

export function readKafkaHeaderPrefix(r: Reader): Omit<KafkaRequestHeader, 'clientId'> {
  return { apiKey: r.readInt16(), apiVersion: r.readInt16(), correlationId: r.readInt32() };
}

/** Reads the rest of the header (clientId, then tagged fields in flexible versions, whose contents are skipped). */
export function readKafkaHeaderRest(r: Reader, api: AnyKafkaApiDef, apiVersion: number): string | null {
  const clientId = r.readNullableString();
  if (isFlexible(api, apiVersion)) {
    const count = r.readUnsignedVarint();
    let previous = -1;
    for (let i = 0; i < count; i++) {
      const tag = r.readUnsignedVarint();
      if (tag <= previous) throw new ProtocolError(`request header tag ${tag} out of order`);
      previous = tag;
      r.skip(r.readUnsignedVarint());
    }
  }
  return clientId;
}

function framed(w: Writer): Buffer[] {
  const chunks = w.toChunks();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...chunks];
}

export function encodeKafkaResponseFrame<T>(api: AnyKafkaApiDef, version: number, correlationId: number, body: T, bodyVersion = version): Buffer[] {
  const w = new Writer(512);
  w.writeInt32(correlationId);
  if (responseHeaderVersion(api, version) === 1) w.writeUnsignedVarint(0);
  api.response.write(w, body, bodyVersion, isFlexible(api, bodyVersion));
  return framed(w);
}

export function encodeKafkaRequestFrame<T>(api: AnyKafkaApiDef, header: KafkaRequestHeader, body: T): Buffer[] {
  const w = new Writer(512);
  w.writeInt16(header.apiKey).writeInt16(header.apiVersion).writeInt32(header.correlationId).writeNullableString(header.clientId);
  const flexible = isFlexible(api, header.apiVersion);
  if (flexible) w.writeUnsignedVarint(0);
  api.request.write(w, body, header.apiVersion, flexible);
  return framed(w);
}
