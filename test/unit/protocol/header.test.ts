// Header versions and the registry.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ApiKey,
  apiByKey,
  decodeRequestHeader,
  decodeResponseHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  ErrorCode,
  errorCodeByName,
  errorMessage,
  errorName,
  isSupported,
  Reader,
  requestHeaderVersion,
  responseHeaderVersion,
  supportedApis,
  Writer,
} from '../../../src/protocol/index.js';

describe('headers', () => {
  it('header versions follow flexibleVersions', () => {
    assert.equal(requestHeaderVersion(ApiKey.Produce, 8), 1);
    assert.equal(requestHeaderVersion(ApiKey.Produce, 9), 2);
    assert.equal(requestHeaderVersion(ApiKey.Metadata, 9), 2);
    assert.equal(requestHeaderVersion(ApiKey.Fetch, 11), 1);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 12), 1);
    assert.equal(responseHeaderVersion(ApiKey.Fetch, 11), 0);
    assert.equal(requestHeaderVersion(7, 0), 0, 'ControlledShutdown v0');
    assert.equal(requestHeaderVersion(999, 3), 1, 'unknown key: not flexible');
  });

  it('ApiVersions: request header follows flexibility, response header is always v0', () => {
    assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 2), 1);
    assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 3), 2);
    assert.equal(requestHeaderVersion(ApiKey.ApiVersions, 9), 2, 'future versions stay flexible');
    for (let v = 0; v <= 4; v++) assert.equal(responseHeaderVersion(ApiKey.ApiVersions, v), 0);
  });

  it('request headers round trip in v1 and v2', () => {
    for (const h of [
      { apiKey: 3, apiVersion: 1, correlationId: 5, clientId: 'c' },
      { apiKey: 3, apiVersion: 12, correlationId: -7, clientId: null },
    ]) {
      const w = new Writer();
      encodeRequestHeader(w, h);
      const r = new Reader(w.toBuffer());
      assert.deepEqual(decodeRequestHeader(r), h);
      assert.equal(r.remaining, 0);
    }
  });

  it('response headers round trip in v0 and v1', () => {
    for (const [key, version, size] of [[1, 11, 4], [1, 12, 5], [18, 3, 4]] as const) {
      const w = new Writer();
      encodeResponseHeader(w, key, version, 77);
      assert.equal(w.length, size);
      const r = new Reader(w.toBuffer());
      assert.deepEqual(decodeResponseHeader(r, key, version), { correlationId: 77 });
      assert.equal(r.remaining, 0);
    }
  });
});

describe('registry', () => {
  it('lists served APIs in key order and answers lookups', () => {
    const apis = supportedApis();
    assert.deepEqual(apis.find((a) => a.apiKey === 0), { apiKey: 0, minVersion: 3, maxVersion: 12 });
    assert.deepEqual(apis.find((a) => a.apiKey === 1), { apiKey: 1, minVersion: 4, maxVersion: 12 });
    assert.deepEqual(apis.map((a) => a.apiKey), [...apis.map((a) => a.apiKey)].sort((a, b) => a - b));
    for (const [name, key] of Object.entries(ApiKey)) assert.equal(apiByKey(key)?.apiName, name);
    assert.equal(apiByKey(57), undefined);
    assert.equal(isSupported(ApiKey.Produce, 2), false);
    assert.equal(isSupported(ApiKey.Produce, 9), true);
  });
});

describe('error catalogue', () => {
  it('maps names and codes both ways', () => {
    assert.equal(ErrorCode.NONE, 0);
    assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
    assert.equal(ErrorCode.CORRUPT_MESSAGE, 2);
    assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35);
    assert.equal(ErrorCode.INVALID_TOPIC_EXCEPTION, 17);
    assert.equal(ErrorCode.MESSAGE_TOO_LARGE, 10);
    assert.equal(errorName(3), 'UNKNOWN_TOPIC_OR_PARTITION');
    assert.equal(errorCodeByName('CORRUPT_MESSAGE'), 2);
    assert.equal(errorCodeByName('toString'), undefined);
    assert.equal(errorName(12345), undefined);
    assert.equal(errorMessage(0), null);
    assert.match(errorMessage(2) ?? '', /CRC/);
    const codes = Object.values(ErrorCode);
    assert.equal(new Set(codes).size, codes.length, 'codes are unique');
    for (let c = -1; c <= 120; c++) assert.ok(errorName(c), `code ${c} has a name`);
  });
});
