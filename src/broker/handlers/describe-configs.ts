// DescribeConfigs (key 32): topic and broker configs with values, sources, synonyms and types.
import { ErrorCode, type DescribeConfigs } from '../../protocol/index.js';
import { describeBrokerConfigs, describeTopicConfigs, ResourceType } from '../config-entries.js';
import type { RequestContext } from '../request-context.js';
import { configAccessError } from '../authorization.js';

type Result = DescribeConfigs.DescribeConfigsResponse['results'][number];

export function handleDescribeConfigs(req: DescribeConfigs.DescribeConfigsRequest, rc: RequestContext): DescribeConfigs.DescribeConfigsResponse {
  const { ctx, version } = rc;
  // v0 has no synonyms field on the wire but Kafka still derives isDefault; synonyms only when asked.
  const withSynonyms = version >= 1 && req.includeSynonyms;
  const withDocs = version >= 3 && req.includeDocumentation;
  const results = req.resources.map((r): Result => {
    const fail = (errorCode: number, errorMessage: string): Result =>
      ({ errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] });
    const ok = (configs: Result['configs']): Result =>
      ({ errorCode: ErrorCode.NONE, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs });
    const denied = configAccessError(rc, r.resourceType, r.resourceName, false);
    if (denied) return fail(denied.errorCode, denied.message);
    switch (r.resourceType) {
      case ResourceType.TOPIC:
        if (!ctx.metadata.getTopic(r.resourceName)) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${r.resourceName}' does not exist.`);
        return ok(describeTopicConfigs(ctx, r.resourceName, r.configurationKeys, withSynonyms, withDocs));
      case ResourceType.BROKER:
        if (r.resourceName !== '' && r.resourceName !== String(ctx.brokerId)) return fail(ErrorCode.INVALID_REQUEST, `Broker ${r.resourceName} is not this broker (${ctx.brokerId}).`);
        return ok(describeBrokerConfigs(ctx, r.configurationKeys, withSynonyms, withDocs, r.resourceName));
      default:
        return fail(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}.`);
    }
  });
  return { throttleTimeMs: 0, results };
}
