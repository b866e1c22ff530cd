import { expect } from 'chai';
import {
  KafkaCreatePartitions, KafkaCreateTopics, KafkaDeleteTopics, KafkaDescribeConfigs, ZERO_UUID,
} from '../../../lib/protocol/kafka/messages/admin';
import { expectGolden, expectRoundTrips } from './golden';

/** Bytes below are written from Kafka's CreateTopics/DeleteTopics/CreatePartitions/DescribeConfigs specs. */
describe('protocol/kafka admin messages', () => {
  const ID = '0123456789abcdef0123456789abcdef';

  describe('CreateTopics (v0-7, flexible from v5)', () => {
    const createdT = { name: 't', topicId: ZERO_UUID, errorCode: 0, errorMessage: null, numPartitions: -1, replicationFactor: -1, configs: [], topicConfigErrorCode: 0 };

    it('reads and writes v0: no validateOnly in the request, only name and errorCode per topic in the response', () => {
      expectGolden(KafkaCreateTopics, 'request', 0,
        '00000001 0001 74 00000003 0001 00000000 00000001 0001 61 0001 62 000003e8',
        { topics: [{ name: 't', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [{ name: 'a', value: 'b' }] }], timeoutMs: 1000, validateOnly: false });
      expectGolden(KafkaCreateTopics, 'response', 0, '00000001 0001 74 0000', { throttleTimeMs: 0, topics: [createdT] });
    });

    it('reads and writes v5: compact encodings, an assignment, counts and configs in the response', () => {
      // topics(1+1) | "t" | -1 | -1 | assignments(1+1): partition 0, brokers(1+1) [1], no tags | configs(1+1): "a", null, no tags | no tags
      // | timeoutMs 1000 | validateOnly | no tags
      expectGolden(KafkaCreateTopics, 'request', 5,
        '02 0274 ffffffff ffff 02 00000000 02 00000001 00 02 0261 00 00 00 000003e8 01 00',
        { topics: [{ name: 't', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [1] }], configs: [{ name: 'a', value: null }] }], timeoutMs: 1000, validateOnly: true });
      // throttle | topics(1+1) | "t" | errorCode 0 | errorMessage null | 3 partitions | rf 1
      // | configs(1+1): "a" "b" readOnly=false source=1 sensitive=false, no tags | no tags | no tags
      expectGolden(KafkaCreateTopics, 'response', 5,
        '00000000 02 0274 0000 00 00000003 0001 02 0261 0262 00 01 00 00 00 00',
        { throttleTimeMs: 0, topics: [{ ...createdT, numPartitions: 3, replicationFactor: 1, configs: [{ name: 'a', value: 'b', readOnly: false, configSource: 1, isSensitive: false }] }] });
    });

    it('reads and writes v7: the topic id, null configs and the tagged topicConfigErrorCode', () => {
      expectGolden(KafkaCreateTopics, 'request', 7, '02 0274 00000001 0001 01 01 00 0000ea60 00 00',
        { topics: [{ name: 't', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 60000, validateOnly: false });
      // ... topicId | errorCode 36 | "x" | -1 | -1 | configs null | tags: 1 field, tag 0, 2 bytes, 29 | no tags
      expectGolden(KafkaCreateTopics, 'response', 7,
        `00000000 02 0274 ${ID} 0024 0278 ffffffff ffff 00 01 00 02 001d 00`,
        { throttleTimeMs: 0, topics: [{ ...createdT, topicId: ID, errorCode: 36, errorMessage: 'x', configs: null, topicConfigErrorCode: 29 }] });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaCreateTopics,
        { topics: [{ name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [{ name: 'a', value: 'b' }] }], timeoutMs: 5, validateOnly: true },
        { throttleTimeMs: 3, topics: [{ ...createdT, errorMessage: 'm', configs: [{ name: 'a', value: 'b', readOnly: false, configSource: 1, isSensitive: false }] }] });
    });
  });

  describe('DeleteTopics (v0-6, flexible from v4)', () => {
    it('reads and writes v0: names only, no throttle time', () => {
      expectGolden(KafkaDeleteTopics, 'request', 0, '00000001 0001 74 000003e8', { topics: [], topicNames: ['t'], timeoutMs: 1000 });
      expectGolden(KafkaDeleteTopics, 'response', 0, '00000001 0001 74 0003',
        { throttleTimeMs: 0, responses: [{ name: 't', topicId: ZERO_UUID, errorCode: 3, errorMessage: null }] });
    });

    it('reads and writes v4: compact names', () => {
      expectGolden(KafkaDeleteTopics, 'request', 4, '02 0274 000003e8 00', { topics: [], topicNames: ['t'], timeoutMs: 1000 });
      expectGolden(KafkaDeleteTopics, 'response', 4, '00000000 02 0274 0000 00 00',
        { throttleTimeMs: 0, responses: [{ name: 't', topicId: ZERO_UUID, errorCode: 0, errorMessage: null }] });
    });

    it('reads and writes v6: topics by name or by id, null names in the response', () => {
      expectGolden(KafkaDeleteTopics, 'request', 6, `03 0274 ${ZERO_UUID} 00 00 ${ID} 00 000003e8 00`,
        { topics: [{ name: 't', topicId: ZERO_UUID }, { name: null, topicId: ID }], topicNames: [], timeoutMs: 1000 });
      expectGolden(KafkaDeleteTopics, 'response', 6, `00000000 03 0274 ${ZERO_UUID} 0000 00 00 00 ${ID} 0064 0278 00 00`, {
        throttleTimeMs: 0,
        responses: [{ name: 't', topicId: ZERO_UUID, errorCode: 0, errorMessage: null }, { name: null, topicId: ID, errorCode: 100, errorMessage: 'x' }],
      });
    });

    it('refuses a null topic name before v6', () => {
      expect(() => expectGolden(KafkaDeleteTopics, 'response', 5, '00000000 02 00 0000 00 00', {})).to.throw(/null/);
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaDeleteTopics, { topics: [{ name: 't', topicId: ZERO_UUID }], topicNames: ['t'], timeoutMs: 1 },
        { throttleTimeMs: 1, responses: [{ name: 't', topicId: ZERO_UUID, errorCode: 73, errorMessage: 'off' }] });
    });
  });

  describe('CreatePartitions (v0-3, flexible from v2)', () => {
    it('reads and writes v0 with null assignments', () => {
      expectGolden(KafkaCreatePartitions, 'request', 0, '00000001 0001 74 00000003 ffffffff 000003e8 00',
        { topics: [{ name: 't', count: 3, assignments: null }], timeoutMs: 1000, validateOnly: false });
      expectGolden(KafkaCreatePartitions, 'response', 0, '00000000 00000001 0001 74 0025 0002 6e6f',
        { throttleTimeMs: 0, results: [{ name: 't', errorCode: 37, errorMessage: 'no' }] });
    });

    it('reads and writes v2 with compact assignments', () => {
      expectGolden(KafkaCreatePartitions, 'request', 2, '02 0274 00000003 03 02 00000001 00 02 00000002 00 00 000003e8 01 00',
        { topics: [{ name: 't', count: 3, assignments: [{ brokerIds: [1] }, { brokerIds: [2] }] }], timeoutMs: 1000, validateOnly: true });
      expectGolden(KafkaCreatePartitions, 'response', 2, '00000000 02 0274 0000 00 00 00',
        { throttleTimeMs: 0, results: [{ name: 't', errorCode: 0, errorMessage: null }] });
    });

    it('reads and writes v3 as v2', () => {
      expectGolden(KafkaCreatePartitions, 'request', 3, '02 0274 00000002 00 00 00000000 00 00',
        { topics: [{ name: 't', count: 2, assignments: null }], timeoutMs: 0, validateOnly: false });
      expectGolden(KafkaCreatePartitions, 'response', 3, '00000000 02 0274 0027 0278 00 00',
        { throttleTimeMs: 0, results: [{ name: 't', errorCode: 39, errorMessage: 'x' }] });
    });
  });

  describe('DescribeConfigs (v0-4, flexible from v4)', () => {
    const config = { name: 'a', value: 'b', readOnly: false, isDefault: false, configSource: -1, isSensitive: false, synonyms: [], configType: 0, documentation: null };

    it('reads and writes v0: isDefault, no source or synonyms', () => {
      expectGolden(KafkaDescribeConfigs, 'request', 0, '00000001 02 0001 74 ffffffff',
        { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
      // throttle | 1 result: errorCode 0, message null, type 2, "t", 1 config: "a" "b" readOnly=false isDefault=true sensitive=false
      expectGolden(KafkaDescribeConfigs, 'response', 0, '00000000 00000001 0000 ffff 02 0001 74 00000001 0001 61 0001 62 00 01 00',
        { throttleTimeMs: 0, results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configs: [{ ...config, isDefault: true }] }] });
    });

    it('reads and writes v1: includeSynonyms, configSource and synonyms', () => {
      expectGolden(KafkaDescribeConfigs, 'request', 1, '00000001 04 0001 31 00000001 0001 61 01',
        { resources: [{ resourceType: 4, resourceName: '1', configurationKeys: ['a'] }], includeSynonyms: true, includeDocumentation: false });
      // ... config: "a" "b" readOnly=false source=1 sensitive=false synonyms: 1 ("a" "b" source 1)
      expectGolden(KafkaDescribeConfigs, 'response', 1, '00000000 00000001 0000 ffff 02 0001 74 00000001 0001 61 0001 62 00 01 00 00000001 0001 61 0001 62 01', {
        throttleTimeMs: 0,
        results: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 't', configs: [{ ...config, configSource: 1, synonyms: [{ name: 'a', value: 'b', source: 1 }] }] }],
      });
    });

    it('reads and writes v4: compact encodings, configType and documentation', () => {
      expectGolden(KafkaDescribeConfigs, 'request', 4, '02 02 0274 00 00 01 01 00',
        { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: null }], includeSynonyms: true, includeDocumentation: true });
      // throttle | results(1+1): 0, null, type 4, "1", configs(1+1): "a" null readOnly source 5 not sensitive
      // synonyms(1+1): "a" "b" 5, no tags | type 3 (INT) | "d" | no tags | no tags | no tags
      expectGolden(KafkaDescribeConfigs, 'response', 4, '00000000 02 0000 00 04 0231 02 0261 00 01 05 00 02 0261 0262 05 00 03 0264 00 00 00', {
        throttleTimeMs: 0,
        results: [{
          errorCode: 0, errorMessage: null, resourceType: 4, resourceName: '1',
          configs: [{ ...config, value: null, readOnly: true, configSource: 5, synonyms: [{ name: 'a', value: 'b', source: 5 }], configType: 3, documentation: 'd' }],
        }],
      });
    });

    it('round-trips every served version', () => {
      expectRoundTrips(KafkaDescribeConfigs,
        { resources: [{ resourceType: 2, resourceName: 't', configurationKeys: ['a'] }], includeSynonyms: true, includeDocumentation: true },
        { throttleTimeMs: 0, results: [{ errorCode: 3, errorMessage: 'gone', resourceType: 2, resourceName: 't', configs: [{ ...config, synonyms: [{ name: 'a', value: null, source: 4 }] }] }] });
    });
  });
});
