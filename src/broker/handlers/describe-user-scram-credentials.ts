// DescribeUserScramCredentials (key 50, KIP-554): which SCRAM mechanisms (and iterations) each user has,
// never the credentials themselves. Null or empty users: every user with a credential.
import { ErrorCode, Scram, type DescribeUserScramCredentials } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

type Result = DescribeUserScramCredentials.DescribeUserScramCredentialsResult;

export async function handleDescribeUserScramCredentials(req: DescribeUserScramCredentials.DescribeUserScramCredentialsRequest, rc: RequestContext): Promise<DescribeUserScramCredentials.DescribeUserScramCredentialsResponse> {
  const store = rc.ctx.metadata;
  const all = req.users === null || req.users.length === 0;
  const users = all ? await store.scramUsers() : req.users!;
  const seen = new Map<string, number>();
  for (const u of users) seen.set(u, (seen.get(u) ?? 0) + 1);
  const results: Result[] = [];
  const reported = new Set<string>();
  for (const user of users) {
    if (reported.has(user)) continue;
    reported.add(user);
    if (seen.get(user)! > 1) {
      results.push({ user, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`, credentialInfos: [] });
      continue;
    }
    const creds = await store.scramCredentials(user);
    const credentialInfos = Scram.SCRAM_MECHANISMS.flatMap((m) => {
      const c = creds[m] === undefined ? undefined : Scram.parseCredential(creds[m]!);
      return c ? [{ mechanism: Scram.mechanismType(m), iterations: c.iterations }] : [];
    });
    if (credentialInfos.length === 0) {
      results.push({ user, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${user}`, credentialInfos: [] });
      continue;
    }
    results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos });
  }
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
}
