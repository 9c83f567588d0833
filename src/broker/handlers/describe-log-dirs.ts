// DescribeLogDirs (key 35): the one log directory with the size of every (asked-for) partition and,
// from v4, the volume's total and usable bytes.
import { statfsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ErrorCode, type DescribeLogDirs } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';
import { AclOperation, ResourceType, allowed } from '../authorization.js';

type TopicResult = DescribeLogDirs.DescribeLogDirsResponse['results'][number]['topics'][number];

export function handleDescribeLogDirs(req: DescribeLogDirs.DescribeLogDirsRequest, rc: RequestContext): DescribeLogDirs.DescribeLogDirsResponse {
  const { ctx } = rc;
  if (!allowed(rc, AclOperation.DESCRIBE, ResourceType.CLUSTER)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
  const wanted = req.topics === null
    ? ctx.metadata.listTopics().map((t) => ({ topic: t.name, partitions: Array.from({ length: t.partitions }, (_, i) => i) }))
    : req.topics;
  const topics: TopicResult[] = [];
  for (const w of wanted) {
    const partitions = w.partitions.flatMap((p) => {
      const log = ctx.partition(w.topic, p);
      return log ? [{ partitionIndex: p, partitionSize: log.sizeInBytes, offsetLag: 0, isFutureKey: false }] : [];
    });
    if (partitions.length > 0) topics.push({ name: w.topic, partitions });
  }
  let totalBytes = -1;
  let usableBytes = -1;
  try {
    const s = statfsSync(ctx.logs.dir);
    totalBytes = s.blocks * s.bsize;
    usableBytes = s.bavail * s.bsize;
  } catch {
    // Unknown volume sizes are reported as -1, as the protocol allows.
  }
  return {
    throttleTimeMs: 0, errorCode: ErrorCode.NONE,
    results: [{ errorCode: ErrorCode.NONE, logDir: resolve(ctx.logs.dir), topics, totalBytes, usableBytes }],
  };
}
