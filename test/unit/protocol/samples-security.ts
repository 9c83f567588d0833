// Round-trip samples for the SASL and SCRAM credential APIs: every field non-default, with the versions
// each version-dependent field exists in (also what the live-broker fuzz test starts from).

import { AlterUserScramCredentials, DescribeUserScramCredentials, SaslAuthenticate, SaslHandshake } from '../../../src/protocol/index.js';
import { defineCase } from './helpers.js';
import type { RoundTripCase } from './helpers.js';

export const securityCases: RoundTripCase<unknown, unknown>[] = [
  defineCase({
    codec: SaslHandshake,
    request: { mechanism: 'SCRAM-SHA-512' },
    requestFields: [],
    response: { errorCode: 33, mechanisms: ['PLAIN', 'SCRAM-SHA-256'] },
    responseFields: [],
  }),
  defineCase({
    codec: SaslAuthenticate,
    request: { authBytes: Buffer.from('n,,n=bob,r=abc') },
    requestFields: [],
    response: { errorCode: 58, errorMessage: 'Authentication failed', authBytes: Buffer.from('r=abcdef,s=c2FsdA==,i=4096'), sessionLifetimeMs: 3_600_000 },
    responseFields: [['sessionLifetimeMs', 1, 2, 0]],
  }),
  defineCase({
    codec: DescribeUserScramCredentials,
    request: { users: ['alice', 'bob'] },
    requestFields: [],
    response: {
      throttleTimeMs: 2, errorCode: 0, errorMessage: null,
      results: [
        { user: 'alice', errorCode: 0, errorMessage: null, credentialInfos: [{ mechanism: 1, iterations: 8192 }, { mechanism: 2, iterations: 4096 }] },
        { user: 'bob', errorCode: 91, errorMessage: 'Attempt to describe a user credential that does not exist: bob', credentialInfos: [] },
      ],
    },
    responseFields: [],
  }),
  defineCase({
    codec: AlterUserScramCredentials,
    request: {
      deletions: [{ name: 'alice', mechanism: 2 }],
      upsertions: [{ name: 'bob', mechanism: 1, iterations: 4096, salt: Buffer.from('salt-bytes'), saltedPassword: Buffer.alloc(32, 7) }],
    },
    requestFields: [],
    response: { throttleTimeMs: 1, results: [{ user: 'alice', errorCode: 0, errorMessage: null }, { user: 'bob', errorCode: 93, errorMessage: 'Too few iterations' }] },
    responseFields: [],
  }),
];
