// ApiVersions (key 18): the APIs and versions this broker serves — exactly the handlers registered
// against the protocol registry, so the answer can never promise an API that has no handler. v3+ also
// carries the features: transaction.version (KIP-890), finalized at the `transaction.version` setting, tells
// clients whether they may use transactions v2.
import { ErrorCode, type ApiVersions } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleApiVersions(
  apiKeys: () => ApiVersions.ApiVersionsResponse['apiKeys'],
): (req: ApiVersions.ApiVersionsRequest, rc: RequestContext) => ApiVersions.ApiVersionsResponse {
  return (_req, rc) => {
    const level = rc.ctx.config['transaction.version'];
    return {
      errorCode: ErrorCode.NONE, apiKeys: apiKeys(), throttleTimeMs: 0,
      supportedFeatures: [{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }],
      finalizedFeaturesEpoch: 0,
      finalizedFeatures: level > 0 ? [{ name: 'transaction.version', maxVersionLevel: level, minVersionLevel: level }] : [],
    } as ApiVersions.ApiVersionsResponse;
  };
}
