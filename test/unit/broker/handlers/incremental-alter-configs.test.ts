// IncrementalAlterConfigs (src/broker/handlers/incremental-alter-configs.ts) as a table of requests and the
// overrides they leave, over a small stand-in for the broker context that uses the real config schema and
// validators. Kafka's semantics (ConfigAdminManager): SET replaces one key, DELETE drops it (absent is fine),
// APPEND adds items missing from a list, SUBTRACT removes items from it, both starting from the current
// value or the default when there is no override; APPEND/SUBTRACT on a non-list key is INVALID_CONFIG;
// duplicate keys or resources are INVALID_REQUEST; an error leaves every key of that resource as it was.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerError, ErrorCode } from '../../../../src/protocol/index.js';
import { ConfigError, effectiveTopicConfig, loadBrokerConfig, validateDynamicBrokerConfigs, validateTopicConfigs } from '../../../../src/config/index.js';
import { handleIncrementalAlterConfigs } from '../../../../src/broker/handlers/incremental-alter-configs.js';
import type { RequestContext } from '../../../../src/broker/request-context.js';

const SET = 0, DELETE = 1, APPEND = 2, SUBTRACT = 3;
const TOPIC = 2, BROKER = 4, BROKER_LOGGER = 8;

function asBrokerError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ConfigError) throw new BrokerError('INVALID_CONFIG', e.message);
    throw e;
  }
}

/** The parts of BrokerContext the handler uses, backed by plain maps. */
function fakeContext(topics: Record<string, Record<string, string>>) {
  const config = loadBrokerConfig({});
  const brokerConfigs = new Map<string, Record<string, string>>();
  const ctx = {
    config,
    brokerId: config['broker.id'],
    metadata: {
      getTopic: (name: string) => (topics[name] ? { name, configs: topics[name] } : undefined),
      brokerConfigs: (entity: string) => brokerConfigs.get(entity) ?? {},
    },
    topicConfig: (name: string) => effectiveTopicConfig(config, topics[name] ?? {}),
    validateTopicConfigs: (c: Record<string, string | null>) => asBrokerError(() => validateTopicConfigs(c)),
    setTopicConfigs: (name: string, c: Record<string, string | null>) => {
      topics[name] = asBrokerError(() => validateTopicConfigs(c));
    },
    validateBrokerConfigs: (c: Record<string, string | null>) => asBrokerError(() => validateDynamicBrokerConfigs(c)),
    setBrokerConfigs: (entity: string, c: Record<string, string | null>) => {
      brokerConfigs.set(entity, asBrokerError(() => validateDynamicBrokerConfigs(c)));
    },
  };
  return { rc: { ctx } as unknown as RequestContext, topics, brokerConfigs };
}

type Op = [name: string, op: number, value: string | null];

async function alter(rc: RequestContext, resourceName: string, ops: Op[], opts: { resourceType?: number; validateOnly?: boolean } = {}) {
  const res = await handleIncrementalAlterConfigs({
    validateOnly: opts.validateOnly ?? false,
    resources: [{ resourceType: opts.resourceType ?? TOPIC, resourceName, configs: ops.map(([name, configOperation, value]) => ({ name, configOperation, value })) }],
  }, rc);
  assert.equal(res.responses.length, 1);
  return res.responses[0]!;
}

describe('IncrementalAlterConfigs on a topic', () => {
  const start = { 'cleanup.policy': 'compact', 'retention.ms': '1000' };
  const cases: Array<[string, Op[], number, Record<string, string>]> = [
    ['SET a new key', [['segment.bytes', SET, '1048576']], ErrorCode.NONE, { ...start, 'segment.bytes': '1048576' }],
    ['SET an existing key', [['retention.ms', SET, '5']], ErrorCode.NONE, { ...start, 'retention.ms': '5' }],
    ['DELETE a key', [['retention.ms', DELETE, null]], ErrorCode.NONE, { 'cleanup.policy': 'compact' }],
    ['DELETE an absent key (no error)', [['segment.bytes', DELETE, null]], ErrorCode.NONE, start],
    ['APPEND an item', [['cleanup.policy', APPEND, 'delete']], ErrorCode.NONE, { ...start, 'cleanup.policy': 'compact,delete' }],
    ['APPEND an item already there', [['cleanup.policy', APPEND, 'compact']], ErrorCode.NONE, start],
    ['SUBTRACT an item absent from the list', [['cleanup.policy', SUBTRACT, 'delete']], ErrorCode.NONE, start],
    ['APPEND then nothing else; SET on another key in the same request', [['cleanup.policy', APPEND, 'delete'], ['retention.ms', SET, '7']], ErrorCode.NONE, { 'cleanup.policy': 'compact,delete', 'retention.ms': '7' }],
    ['APPEND on a non-list key', [['retention.ms', APPEND, '5']], ErrorCode.INVALID_CONFIG, start],
    ['SUBTRACT on a non-list key, with a valid SET beside it (nothing applies)', [['segment.bytes', SET, '1048576'], ['retention.ms', SUBTRACT, '5']], ErrorCode.INVALID_CONFIG, start],
    ['SET an invalid value', [['retention.ms', SET, 'soon']], ErrorCode.INVALID_CONFIG, start],
    ['SET an unknown key', [['no.such.config', SET, '1']], ErrorCode.INVALID_CONFIG, start],
    ['APPEND an invalid list item', [['cleanup.policy', APPEND, 'shred']], ErrorCode.INVALID_CONFIG, start],
    ['the same key twice', [['retention.ms', SET, '1'], ['retention.ms', DELETE, null]], ErrorCode.INVALID_REQUEST, start],
    ['an unknown operation', [['retention.ms', 7, '1']], ErrorCode.INVALID_REQUEST, start],
  ];
  for (const [name, ops, code, want] of cases) {
    it(`${name} -> ${code}`, async () => {
      const { rc, topics } = fakeContext({ t: { ...start } });
      const r = await alter(rc, 't', ops);
      assert.equal(r.errorCode, code, r.errorMessage ?? '');
      if (code !== ErrorCode.NONE) assert.ok(r.errorMessage, 'errors carry a message');
      assert.deepEqual(topics.t, want);
    });
  }

  it('SUBTRACT without an override starts from the default (cleanup.policy=delete)', async () => {
    const { rc, topics } = fakeContext({ t: {} });
    assert.equal((await alter(rc, 't', [['cleanup.policy', APPEND, 'compact']])).errorCode, ErrorCode.NONE);
    assert.deepEqual(topics.t, { 'cleanup.policy': 'delete,compact' });
    assert.equal((await alter(rc, 't', [['cleanup.policy', SUBTRACT, 'delete']])).errorCode, ErrorCode.NONE);
    assert.deepEqual(topics.t, { 'cleanup.policy': 'compact' });
  });

  it('SUBTRACT several items at once; spaces around items are ignored', async () => {
    const { rc, topics } = fakeContext({ t: { 'cleanup.policy': 'compact,delete' } });
    assert.equal((await alter(rc, 't', [['cleanup.policy', SUBTRACT, ' delete , nothing ']])).errorCode, ErrorCode.NONE);
    assert.deepEqual(topics.t, { 'cleanup.policy': 'compact' });
  });

  it('validateOnly checks but changes nothing', async () => {
    const { rc, topics } = fakeContext({ t: { ...start } });
    assert.equal((await alter(rc, 't', [['retention.ms', SET, '5']], { validateOnly: true })).errorCode, ErrorCode.NONE);
    assert.equal((await alter(rc, 't', [['retention.ms', SET, 'x']], { validateOnly: true })).errorCode, ErrorCode.INVALID_CONFIG);
    assert.deepEqual(topics.t, start);
  });

  it('an unknown topic is UNKNOWN_TOPIC_OR_PARTITION', async () => {
    const { rc } = fakeContext({});
    assert.equal((await alter(rc, 'nope', [['retention.ms', SET, '5']])).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('the same resource twice in one request: both refused (INVALID_REQUEST), nothing applied; other resources go on', async () => {
    const { rc, topics } = fakeContext({ t: { ...start }, u: {} });
    const res = await handleIncrementalAlterConfigs({ validateOnly: false, resources: [
      { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: SET, value: '1' }] },
      { resourceType: TOPIC, resourceName: 'u', configs: [{ name: 'retention.ms', configOperation: SET, value: '2' }] },
      { resourceType: TOPIC, resourceName: 't', configs: [{ name: 'retention.ms', configOperation: SET, value: '3' }] },
    ] }, rc);
    assert.deepEqual(res.responses.map((r) => [r.resourceName, r.errorCode]), [['t', ErrorCode.INVALID_REQUEST], ['u', ErrorCode.NONE], ['t', ErrorCode.INVALID_REQUEST]]);
    assert.deepEqual(topics, { t: start, u: { 'retention.ms': '2' } });
  });
});

describe('IncrementalAlterConfigs on the broker', () => {
  it('"" (cluster default) and this broker\'s id are accepted; another broker id and BROKER_LOGGER are refused', async () => {
    const { rc, brokerConfigs } = fakeContext({});
    const id = String((rc.ctx as unknown as { brokerId: number }).brokerId);
    assert.equal((await alter(rc, '', [['log.retention.ms', SET, '1000']], { resourceType: BROKER })).errorCode, ErrorCode.NONE);
    assert.equal((await alter(rc, id, [['compression.type', SET, 'lz4']], { resourceType: BROKER })).errorCode, ErrorCode.NONE);
    assert.deepEqual(Object.fromEntries(brokerConfigs), { '': { 'log.retention.ms': '1000' }, [id]: { 'compression.type': 'lz4' } });
    assert.equal((await alter(rc, String(Number(id) + 1), [['compression.type', SET, 'lz4']], { resourceType: BROKER })).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await alter(rc, id, [['root', SET, 'DEBUG']], { resourceType: BROKER_LOGGER })).errorCode, ErrorCode.INVALID_REQUEST);
    assert.equal((await alter(rc, id, [['compression.type', SET, 'brotli']], { resourceType: BROKER })).errorCode, ErrorCode.INVALID_CONFIG);
    assert.equal((await alter(rc, id, [['compression.type', APPEND, 'lz4']], { resourceType: BROKER })).errorCode, ErrorCode.INVALID_CONFIG, 'not a list');
  });
});
