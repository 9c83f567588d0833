// IncrementalAlterConfigs (key 44): SET, DELETE, APPEND and SUBTRACT on single keys of a topic's
// overrides or of the dynamic broker configs; validated, persisted and applied live.
import { asBrokerError, BrokerError, ErrorCode, type IncrementalAlterConfigs } from '../../protocol/index.js';
import { TOPIC_CONFIG, brokerKey, configValue } from '../../config/index.js';
import { ResourceType } from '../config-entries.js';
import type { BrokerContext } from '../context.js';
import type { RequestContext } from '../request-context.js';
import { configAccessError } from '../authorization.js';

const OP_SET = 0;
const OP_DELETE = 1;
const OP_APPEND = 2;
const OP_SUBTRACT = 3;

/** Computes the new full set of overrides from the current one, then validates and (unless validateOnly) applies it. */
export async function applyConfigChange(
  ctx: BrokerContext, resourceType: number, resourceName: string, validateOnly: boolean,
  change: (current: Readonly<Record<string, string>>) => Record<string, string | null>,
): Promise<{ errorCode: number; errorMessage: string | null }> {
  try {
    if (resourceType === ResourceType.TOPIC) {
      const meta = ctx.metadata.getTopic(resourceName);
      if (!meta) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${resourceName}' does not exist.` };
      const next = change(meta.configs);
      if (validateOnly) ctx.validateTopicConfigs(next);
      else await ctx.setTopicConfigs(resourceName, next);
    } else if (resourceType === ResourceType.BROKER) {
      if (resourceName !== '' && resourceName !== String(ctx.brokerId)) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Broker ${resourceName} is not this broker (${ctx.brokerId}).` };
      const next = change(ctx.metadata.brokerConfigs(resourceName));
      if (validateOnly) ctx.validateBrokerConfigs(next, resourceName);
      else await ctx.setBrokerConfigs(resourceName, next);
    } else {
      return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${resourceType}.` };
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (e) {
    const be = asBrokerError(e);
    if (be) return { errorCode: be.errorCode, errorMessage: be.message };
    throw e;
  }
}

function isList(resourceType: number, name: string): boolean {
  const key = resourceType === ResourceType.TOPIC ? TOPIC_CONFIG.find((k) => k.name === name) : brokerKey(name);
  return key?.type === 'list';
}

export async function handleIncrementalAlterConfigs(req: IncrementalAlterConfigs.IncrementalAlterConfigsRequest, rc: RequestContext): Promise<IncrementalAlterConfigs.IncrementalAlterConfigsResponse> {
  const count = new Map<string, number>();
  for (const r of req.resources) count.set(`${r.resourceType}:${r.resourceName}`, (count.get(`${r.resourceType}:${r.resourceName}`) ?? 0) + 1);
  // One resource at a time, in request order.
  const responses = [];
  for (const r of req.resources) responses.push(await (async () => {
    const base = { resourceType: r.resourceType, resourceName: r.resourceName };
    if ((count.get(`${r.resourceType}:${r.resourceName}`) ?? 0) > 1) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate resource ${r.resourceName} in the request.` };
    const denied = configAccessError(rc, r.resourceType, r.resourceName, true);
    if (denied) return { ...base, errorCode: denied.errorCode, errorMessage: denied.message };
    const names = r.configs.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Duplicate config key ${dup} in the request.` };
    const result = await applyConfigChange(rc.ctx, r.resourceType, r.resourceName, req.validateOnly, (current) => {
      const next: Record<string, string | null> = { ...current };
      for (const c of r.configs) {
        switch (c.configOperation) {
          case OP_SET:
            next[c.name] = c.value;
            break;
          case OP_DELETE:
            delete next[c.name];
            break;
          case OP_APPEND:
          case OP_SUBTRACT: {
            if (!isList(r.resourceType, c.name)) throw new BrokerError('INVALID_CONFIG', `Config ${c.name} is not a list: APPEND and SUBTRACT apply to lists only.`);
            const have = (next[c.name] ?? effectiveText(rc.ctx, r.resourceType, r.resourceName, c.name)).split(',').map((x) => x.trim()).filter((x) => x !== '');
            const items = (c.value ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
            const out = c.configOperation === OP_APPEND ? [...have, ...items.filter((x) => !have.includes(x))] : have.filter((x) => !items.includes(x));
            next[c.name] = out.join(',');
            break;
          }
          default:
            throw new BrokerError('INVALID_REQUEST', `Unknown config operation ${c.configOperation} for ${c.name}.`);
        }
      }
      return next;
    });
    return { ...base, ...result };
  })());
  return { throttleTimeMs: 0, responses };
}

function effectiveText(ctx: BrokerContext, resourceType: number, resourceName: string, name: string): string {
  const v = configValue(resourceType === ResourceType.TOPIC ? ctx.topicConfig(resourceName) : ctx.config, name);
  return Array.isArray(v) ? v.join(',') : v === null || v === undefined ? '' : String(v);
}
