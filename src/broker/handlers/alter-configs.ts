// AlterConfigs (key 33): replaces the whole set of overrides of a topic, or the dynamic broker configs.
// Values are validated (INVALID_CONFIG naming the key), persisted, and applied to open logs at once.
import { ErrorCode, type AlterConfigs } from '../../protocol/index.js';
import { applyConfigChange } from './incremental-alter-configs.js';
import type { RequestContext } from '../request-context.js';
import { configAccessError } from '../authorization.js';

export async function handleAlterConfigs(req: AlterConfigs.AlterConfigsRequest, rc: RequestContext): Promise<AlterConfigs.AlterConfigsResponse> {
  const seen = new Map<string, number>();
  for (const r of req.resources) seen.set(`${r.resourceType}:${r.resourceName}`, (seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1);
  // One resource at a time, in request order.
  const responses = [];
  for (const r of req.resources) responses.push(await (async () => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if ((seen.get(`${r.resourceType}:${r.resourceName}`) ?? 0) > 1) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate resource ${r.resourceName} in the request.` };
    const denied = configAccessError(rc, r.resourceType, r.resourceName, true);
    if (denied) return { ...base, errorCode: denied.errorCode, errorMessage: denied.message };
    const result = await applyConfigChange(rc.ctx, r.resourceType, r.resourceName, req.validateOnly, () => {
      const next: Record<string, string | null> = {};
      for (const c of r.configs) next[c.name] = c.value;
      return next;
    });
    return { ...base, ...result };
  })());
  return { throttleTimeMs: 0, responses };
}
