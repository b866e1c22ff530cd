/**
 * An API as the Apache Kafka wire protocol defines it: key, the version range Samsa serves, the
 * first flexible version (KIP-482), and one schema per direction covering every served version.
 *
 * Field names match Samsa's native message definitions wherever the two protocols carry the
 * same thing, so a decoded Kafka request can be handed to the native handler as it is and the
 * handler's answer encoded with the Kafka schema (fields only Kafka has take their defaults).
 * The definitions follow the protocol's published message specifications (names, types and
 * version ranges are facts of the protocol); each carries its grammar in a comment.
 */
import { Type } from '../schema';

export interface KafkaApiDef<Req, Resp> {
  readonly key: number;
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First version using compact encodings and tagged fields; Infinity when none is served. */
  readonly flexibleFrom: number;
  readonly request: Type<Req>;
  readonly response: Type<Resp>;
}

export type AnyKafkaApiDef = KafkaApiDef<any, any>;

export function kafkaApi<Req, Resp>(key: number, name: string, versions: { min: number; max: number; flexibleFrom?: number },
  request: Type<Req>, response: Type<Resp>): KafkaApiDef<Req, Resp> {
  return { key, name, minVersion: versions.min, maxVersion: versions.max, flexibleFrom: versions.flexibleFrom ?? Infinity, request, response };
}

export function isFlexible(api: AnyKafkaApiDef, version: number): boolean {
  return version >= api.flexibleFrom;
}

/** ApiVersions answers with response header v0 at every version, so old clients can read it (KIP-511). */
export const API_VERSIONS_KEY = 18;

/** Response header v1 (with tagged fields) for flexible versions, v0 otherwise; ApiVersions always v0. */
export function responseHeaderVersion(api: AnyKafkaApiDef, version: number): 0 | 1 {
  return api.key !== API_VERSIONS_KEY && isFlexible(api, version) ? 1 : 0;
}
