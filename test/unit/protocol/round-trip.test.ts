// Round trip encode -> decode for every API and every supported version, requests
// and responses; fields a version lacks must come back as their JSON defaults.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { supportedApis } from '../../../src/protocol/index.js';
import { checkRoundTrip } from './helpers.js';
import { cases } from './samples.js';

describe('round trip, every version', () => {
  for (const c of cases) {
    it(`${c.codec.apiName} v${c.codec.minVersion}-${c.codec.maxVersion}`, () => checkRoundTrip(c));
  }

  it('covers every registered API', () => {
    const covered = new Set(cases.map((c) => c.codec.apiName));
    assert.equal(covered.size, supportedApis().length);
  });
});
