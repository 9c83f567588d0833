// Round-trip samples for the ACL APIs (DescribeAcls, CreateAcls, DeleteAcls): every field non-default,
// with the versions each version-dependent field exists in (pattern types from v1).

import { AlterClientQuotas, CreateAcls, DeleteAcls, DescribeAcls, DescribeClientQuotas } from '../../../src/protocol/index.js';
import { defineCase } from './helpers.js';
import type { RoundTripCase } from './helpers.js';

export const aclCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: DescribeAcls,
    request: { resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 4, principalFilter: 'User:alice', hostFilter: '127.0.0.1', operation: 3, permissionType: 3 },
    requestFields: [['patternTypeFilter', 1, 3, 3]],
    response: {
      throttleTimeMs: 7, errorCode: 0, errorMessage: 'fine',
      resources: [
        { resourceType: 2, resourceName: 'orders', patternType: 4, acls: [{ principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }, { principal: 'User:bob', host: '10.0.0.1', operation: 4, permissionType: 2 }] },
        { resourceType: 3, resourceName: 'g', patternType: 4, acls: [] },
      ],
    },
    responseFields: [['resources.*.patternType', 1, 3, 3]],
  }),
  defineCase({
    codec: CreateAcls,
    request: {
      creations: [
        { resourceType: 2, resourceName: 'orders', resourcePatternType: 4, principal: 'User:alice', host: '*', operation: 4, permissionType: 3 },
        { resourceType: 4, resourceName: 'kafka-cluster', resourcePatternType: 4, principal: 'User:bob', host: '127.0.0.1', operation: 9, permissionType: 2 },
      ],
    },
    requestFields: [['creations.*.resourcePatternType', 1, 3, 3]],
    response: { throttleTimeMs: 3, results: [{ errorCode: 0, errorMessage: null }, { errorCode: 42, errorMessage: 'bad' }] },
    responseFields: [],
  }),
  defineCase({
    codec: DeleteAcls,
    request: {
      filters: [
        { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 2, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 },
        { resourceTypeFilter: 2, resourceNameFilter: 'orders', patternTypeFilter: 4, principalFilter: 'User:alice', hostFilter: '*', operation: 3, permissionType: 3 },
      ],
    },
    requestFields: [['filters.*.patternTypeFilter', 1, 3, 3]],
    response: {
      throttleTimeMs: 9,
      filterResults: [
        { errorCode: 0, errorMessage: null, matchingAcls: [{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'orders', patternType: 4, principal: 'User:alice', host: '*', operation: 3, permissionType: 3 }] },
        { errorCode: 42, errorMessage: 'bad filter', matchingAcls: [] },
      ],
    },
    responseFields: [['filterResults.*.matchingAcls.*.patternType', 1, 3, 3]],
  }),
  defineCase({
    codec: DescribeClientQuotas,
    request: { components: [{ entityType: 'user', matchType: 0, match: 'alice' }, { entityType: 'client-id', matchType: 1, match: null }], strict: true },
    requestFields: [],
    response: {
      throttleTimeMs: 4, errorCode: 0, errorMessage: 'm',
      entries: [{ entity: [{ entityType: 'user', entityName: 'alice' }, { entityType: 'client-id', entityName: null }], values: [{ key: 'producer_byte_rate', value: 1024.5 }] }],
    },
    responseFields: [],
  }),
  defineCase({
    codec: AlterClientQuotas,
    request: { entries: [{ entity: [{ entityType: 'client-id', entityName: 'c1' }], ops: [{ key: 'consumer_byte_rate', value: 2048, remove: false }, { key: 'producer_byte_rate', value: 0, remove: true }] }], validateOnly: true },
    requestFields: [],
    response: { throttleTimeMs: 2, entries: [{ errorCode: 42, errorMessage: 'bad', entity: [{ entityType: 'user', entityName: null }] }] },
    responseFields: [],
  }),
];
