// The Authorizer's rules on an in-memory metadata store: literal, wildcard and prefixed patterns, implied
// operations, deny over allow, hosts, super users, allow.everyone.if.no.acl.found, authorizeByResourceType,
// authorized_operations bits, and the index following store changes; CreateAcls/DescribeAcls/DeleteAcls
// filters (ANY and MATCH).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AclOperation as Op, Authorizer, PatternType, PermissionType, ResourceType as RT, type AclBinding } from '../../../src/acl/index.js';
import { InMemoryCluster } from '../../../src/metadata/index.js';

const alice = { principal: 'User:alice', host: '10.0.0.1' };
const bob = { principal: 'User:bob', host: '10.0.0.2' };

function binding(resourceType: number, resourceName: string, operation: number, opts: Partial<AclBinding> = {}): AclBinding {
  return { resourceType, resourceName, patternType: PatternType.LITERAL, principal: 'User:alice', host: '*', operation, permissionType: PermissionType.ALLOW, ...opts };
}

async function authorizer(bindings: AclBinding[], opts: { superUsers?: string[]; allowEveryoneIfNoAclFound?: boolean } = {}): Promise<Authorizer> {
  const a = new Authorizer(new InMemoryCluster().store(), { superUsers: opts.superUsers ?? [], allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false });
  const results = await a.create(bindings);
  assert.deepEqual(results, bindings.map(() => undefined));
  return a;
}

describe('Authorizer', () => {
  test('no ACL: denied unless allow.everyone.if.no.acl.found; super users always allowed', async () => {
    const a = await authorizer([]);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 't'), false);
    assert.equal((await authorizer([], { allowEveryoneIfNoAclFound: true })).authorize(alice, Op.READ, RT.TOPIC, 't'), true);
    assert.equal((await authorizer([], { superUsers: Authorizer.superUsers(' User:alice ; User:admin') })).authorize(alice, Op.ALTER, RT.CLUSTER), true);
    // An ACL on the resource for someone else: allow.everyone no longer applies.
    const other = await authorizer([binding(RT.TOPIC, 't', Op.READ, { principal: 'User:bob' })], { allowEveryoneIfNoAclFound: true });
    assert.equal(other.authorize(alice, Op.READ, RT.TOPIC, 't'), false);
    assert.equal(other.authorize(alice, Op.READ, RT.TOPIC, 'u'), true);
  });

  test('implied operations: Read/Write/Delete/Alter imply Describe, AlterConfigs implies DescribeConfigs, All allows all', async () => {
    const a = await authorizer([binding(RT.TOPIC, 'w', Op.WRITE), binding(RT.TOPIC, 'c', Op.ALTER_CONFIGS), binding(RT.TOPIC, 'all', Op.ALL)]);
    assert.equal(a.authorize(alice, Op.DESCRIBE, RT.TOPIC, 'w'), true);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 'w'), false);
    assert.equal(a.authorize(alice, Op.DESCRIBE_CONFIGS, RT.TOPIC, 'c'), true);
    assert.equal(a.authorize(alice, Op.DESCRIBE, RT.TOPIC, 'c'), false);
    for (const op of [Op.READ, Op.WRITE, Op.DELETE, Op.ALTER_CONFIGS]) assert.equal(a.authorize(alice, op, RT.TOPIC, 'all'), true);
  });

  test('literal, wildcard and prefixed patterns; a deny wins; principal and host wildcards', async () => {
    const a = await authorizer([
      binding(RT.TOPIC, 'orders-', Op.READ, { patternType: PatternType.PREFIXED }),
      binding(RT.TOPIC, 'orders-secret', Op.READ, { permissionType: PermissionType.DENY }),
      binding(RT.GROUP, '*', Op.READ, { principal: 'User:*' }),
      binding(RT.TOPIC, 'from-host', Op.WRITE, { host: '10.0.0.1' }),
    ]);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 'orders-eu'), true);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 'orders'), false);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 'orders-secret'), false, 'deny wins');
    assert.equal(a.authorize(bob, Op.READ, RT.GROUP, 'any-group'), true, 'User:* on *');
    assert.equal(a.authorize(alice, Op.WRITE, RT.TOPIC, 'from-host'), true);
    assert.equal(a.authorize({ ...alice, host: '::ffff:10.0.0.1' }, Op.WRITE, RT.TOPIC, 'from-host'), true, 'IPv4-mapped peer');
    assert.equal(a.authorize({ ...alice, host: '10.0.0.9' }, Op.WRITE, RT.TOPIC, 'from-host'), false);
  });

  test('a deny of All denies every operation; a deny of Read does not deny Describe', async () => {
    const a = await authorizer([binding(RT.TOPIC, 't', Op.ALL), binding(RT.TOPIC, 't', Op.READ, { permissionType: PermissionType.DENY }), binding(RT.TOPIC, 'x', Op.ALL), binding(RT.TOPIC, 'x', Op.ALL, { permissionType: PermissionType.DENY })]);
    assert.equal(a.authorize(alice, Op.READ, RT.TOPIC, 't'), false);
    assert.equal(a.authorize(alice, Op.DESCRIBE, RT.TOPIC, 't'), true);
    assert.equal(a.authorize(alice, Op.DESCRIBE, RT.TOPIC, 'x'), false);
  });

  test('authorizeByResourceType: Write on some topic pattern not covered by a deny', async () => {
    assert.equal((await authorizer([binding(RT.TOPIC, 'p-', Op.WRITE, { patternType: PatternType.PREFIXED })])).authorizeByResourceType(alice, Op.WRITE, RT.TOPIC), true);
    assert.equal((await authorizer([binding(RT.TOPIC, 't', Op.READ)])).authorizeByResourceType(alice, Op.WRITE, RT.TOPIC), false);
    assert.equal((await authorizer([binding(RT.TOPIC, 't', Op.WRITE), binding(RT.TOPIC, '*', Op.WRITE, { permissionType: PermissionType.DENY })])).authorizeByResourceType(alice, Op.WRITE, RT.TOPIC), false);
  });

  test('authorized_operations bits', async () => {
    const a = await authorizer([binding(RT.GROUP, 'g', Op.READ)]);
    assert.equal(a.authorizedOperations(alice, RT.GROUP, 'g'), (1 << Op.READ) | (1 << Op.DESCRIBE));
    assert.equal(a.authorizedOperations(bob, RT.GROUP, 'g'), 0);
  });

  test('describe and delete with ANY and MATCH filters; the index follows the store', async () => {
    const a = await authorizer([
      binding(RT.TOPIC, 'orders', Op.READ),
      binding(RT.TOPIC, 'ord', Op.WRITE, { patternType: PatternType.PREFIXED }),
      binding(RT.TOPIC, '*', Op.DESCRIBE),
      binding(RT.GROUP, 'g', Op.READ, { principal: 'User:bob' }),
    ]);
    const any = { resourceType: RT.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: Op.ANY, permissionType: PermissionType.ANY };
    assert.equal(a.describe(any).length, 4);
    assert.equal(a.describe({ ...any, resourceType: RT.TOPIC, resourceName: 'orders', patternType: PatternType.MATCH }).length, 3);
    assert.equal(a.describe({ ...any, resourceType: RT.TOPIC, resourceName: 'orders', patternType: PatternType.LITERAL }).length, 1);
    assert.equal(a.describe({ ...any, principal: 'User:bob' }).length, 1);
    assert.equal(a.authorize(alice, Op.WRITE, RT.TOPIC, 'orders'), true);
    const [removed] = await a.delete([{ ...any, patternType: PatternType.PREFIXED }]);
    assert.equal((removed as AclBinding[]).length, 1);
    assert.equal(a.authorize(alice, Op.WRITE, RT.TOPIC, 'orders'), false, 'the index was rebuilt');
    assert.equal(a.describe(any).length, 3);
  });

  test('invalid bindings are refused with a reason', async () => {
    const a = await authorizer([]);
    const results = await a.create([
      binding(RT.CLUSTER, 'not-the-cluster', Op.ALTER),
      binding(RT.TOPIC, 't', Op.READ, { patternType: PatternType.MATCH }),
      binding(RT.TOPIC, '*', Op.READ, { patternType: PatternType.PREFIXED }),
      binding(RT.TOPIC, 't', Op.ANY),
      binding(RT.TOPIC, 't', Op.READ, { principal: 'alice' }),
      binding(RT.TOPIC, 't', Op.READ),
    ]);
    assert.deepEqual(results.map((r) => r !== undefined), [true, true, true, true, true, false]);
  });
});
