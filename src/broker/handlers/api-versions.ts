// ApiVersions (key 18): the APIs and versions this broker serves — exactly the handlers registered
// against the protocol registry, so the answer can never promise an API that has no handler.
import { ErrorCode, type ApiVersions } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

export function handleApiVersions(
  apiKeys: () => ApiVersions.ApiVersionsResponse['apiKeys'],
): (req: ApiVersions.ApiVersionsRequest, rc: RequestContext) => ApiVersions.ApiVersionsResponse {
  return () => ({ errorCode: ErrorCode.NONE, apiKeys: apiKeys(), throttleTimeMs: 0 } as ApiVersions.ApiVersionsResponse);
}
