/**
 * Kafka's DescribeAcls, CreateAcls and DeleteAcls over the native handlers (handlers/acls.ts):
 * the decoded Kafka requests carry the native field names (v0's missing pattern type reads as
 * LITERAL), so they pass through as they are; this module adds each API's whole-request error
 * answer.
 */
import { Api } from '../../protocol/api';
import { KafkaCreateAcls, KafkaDeleteAcls, KafkaDescribeAcls } from '../../protocol/kafka/messages/acls';
import { ApiDispatcher } from '../api-dispatcher';
import { KafkaDispatcher } from './kafka-dispatcher';
import { callNative, nativeHandler } from './native-handlers';

export function registerAclApis(kafka: KafkaDispatcher, native: ApiDispatcher): void {
  const describeAcls = nativeHandler(native, Api.DescribeAcls);
  const createAcls = nativeHandler(native, Api.CreateAcls);
  const deleteAcls = nativeHandler(native, Api.DeleteAcls);
  kafka
    .register(KafkaDescribeAcls, (req, ctx) => callNative(describeAcls, req, ctx),
      (_req, errorCode) => ({ throttleTimeMs: 0, errorCode, errorMessage: null, resources: [] }))
    .register(KafkaCreateAcls, (req, ctx) => callNative(createAcls, req, ctx),
      (req, errorCode) => ({ throttleTimeMs: 0, results: req.creations.map(() => ({ errorCode, errorMessage: null })) }))
    .register(KafkaDeleteAcls, (req, ctx) => callNative(deleteAcls, req, ctx),
      (req, errorCode) => ({ throttleTimeMs: 0, filterResults: req.filters.map(() => ({ errorCode, errorMessage: null, matchingAcls: [] })) }));
}
