// AlterUserScramCredentials (key 51, KIP-554): upserts and deletes SCRAM credentials. The client sends
// the salted password (Hi(password, salt, iterations)); the broker keeps only salt, StoredKey, ServerKey
// and iterations, in the metadata store (ZooKeeper /config/users/<user> as Kafka 3.x, or the local file).
// One result per user; a user with any invalid alteration has none of its alterations applied (Kafka).
import { asBrokerError, ErrorCode, Scram, type AlterUserScramCredentials } from '../../protocol/index.js';
import type { RequestContext } from '../request-context.js';

type Failure = { errorCode: number; errorMessage: string };

export async function handleAlterUserScramCredentials(req: AlterUserScramCredentials.AlterUserScramCredentialsRequest, rc: RequestContext): Promise<AlterUserScramCredentials.AlterUserScramCredentialsResponse> {
  const store = rc.ctx.metadata;
  const users: string[] = [];
  const failures = new Map<string, Failure>();
  const changes = new Map<string, Record<string, string | null>>();
  const fail = (user: string, errorCode: number, errorMessage: string) => {
    if (!failures.has(user)) failures.set(user, { errorCode, errorMessage });
  };
  const counted = new Map<string, number>();
  for (const a of [...req.deletions, ...req.upsertions]) counted.set(`${a.name}\u0000${a.mechanism}`, (counted.get(`${a.name}\u0000${a.mechanism}`) ?? 0) + 1);
  const check = (name: string, mechanismType: number): Scram.ScramMechanism | undefined => {
    if (!users.includes(name)) users.push(name);
    if (name === '') return void fail(name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
    const m = Scram.mechanismOfType(mechanismType);
    if (!m) return void fail(name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
    if (counted.get(`${name}\u0000${mechanismType}`)! > 1) return void fail(name, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
    return m;
  };
  for (const d of req.deletions) {
    const m = check(d.name, d.mechanism);
    if (!m) continue;
    const existing = await store.scramCredentials(d.name);
    if (existing[m] === undefined) {
      fail(d.name, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
      continue;
    }
    changes.set(d.name, { ...changes.get(d.name), [m]: null });
  }
  for (const u of req.upsertions) {
    const m = check(u.name, u.mechanism);
    if (!m) continue;
    if (u.iterations < Scram.MIN_ITERATIONS) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
      continue;
    }
    if (u.iterations > Scram.MAX_ITERATIONS) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
      continue;
    }
    if (u.salt.length === 0 || u.saltedPassword.length === 0) {
      fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Credential salt and salted password must not be empty');
      continue;
    }
    const cred = Scram.credentialFromSaltedPassword(m, Buffer.from(u.saltedPassword), Buffer.from(u.salt), u.iterations);
    changes.set(u.name, { ...changes.get(u.name), [m]: Scram.formatCredential(cred) });
  }
  const results: AlterUserScramCredentials.AlterUserScramCredentialsResult[] = [];
  for (const user of users) {
    const failure = failures.get(user);
    if (failure) {
      results.push({ user, ...failure });
      continue;
    }
    try {
      await store.alterScramCredentials(user, changes.get(user) ?? {});
      rc.ctx.log.info({ user, mechanisms: Object.keys(changes.get(user) ?? {}) }, 'altered SCRAM credentials');
      results.push({ user, errorCode: ErrorCode.NONE, errorMessage: null });
    } catch (e) {
      results.push({ user, errorCode: asBrokerError(e)?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: (e as Error).message });
    }
  }
  // Ingresses that check passwords from a snapshot (the gateway) see the change before the answer leaves.
  if (results.some((r) => r.errorCode === ErrorCode.NONE)) await Promise.all([...rc.ctx.scramCredentialsChanged].map((f) => f().catch(() => {})));
  return { throttleTimeMs: 0, results };
}
