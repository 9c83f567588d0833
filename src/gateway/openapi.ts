// OpenAPI 3.0 description of the gateway's HTTP API, served at /openapi.json. The WebSocket protocol
// (GET /ws) is described in the `x-websocket` extension, since OpenAPI has no vocabulary for it.
const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
const topicParam = { name: 'topic', in: 'path', required: true, schema: { type: 'string' } };
const partitionParam = { name: 'partition', in: 'path', required: true, schema: { type: 'integer', minimum: 0 } };
const acksParam = { name: 'acks', in: 'query', required: false, schema: { type: 'string', enum: ['0', '1', '-1', 'all'], default: 'all' },
  description: '0: answer 202 at once; 1, -1, all: answer after the append returned (durable per the topic\'s flush settings; one node, so 1 = all).' };

const produceBody = {
  required: true,
  content: {
    'application/json': { schema: { $ref: '#/components/schemas/ProduceRequest' }, description: 'Strings are stored as their UTF-8 bytes, other JSON values as JSON text.' },
    'application/vnd.kafka.json.v2+json': { schema: { $ref: '#/components/schemas/ProduceRequest' }, description: 'REST Proxy json format: every key and value stored as JSON text.' },
    'application/vnd.kafka.binary.v2+json': { schema: { $ref: '#/components/schemas/ProduceRequest' }, description: 'REST Proxy binary format: keys, values and header values are base64.' },
    'application/octet-stream': { schema: { type: 'string', format: 'binary' }, description: 'One record; the body is its value. Key: ?key=; headers: kafka-header-<name> HTTP headers; ?timestamp=, ?partition=.' },
  },
};
const produceResponses = {
  200: { description: 'Partition and offset per record, in request order (per-record errors when only some failed).', content: { 'application/json': { schema: { $ref: '#/components/schemas/ProduceResponse' } } } },
  202: { description: 'acks=0: accepted, not yet appended.' },
  400: errorResponse('Bad body, acks or record (INVALID_REQUEST 42, INVALID_RECORD 87, INVALID_REQUIRED_ACKS 21, INVALID_TIMESTAMP 32).'),
  404: errorResponse('Unknown topic or partition (UNKNOWN_TOPIC_OR_PARTITION 3).'),
  413: errorResponse('Body over gateway.max.request.bytes or a record over max.message.bytes (MESSAGE_TOO_LARGE 10).'),
  415: errorResponse('Unsupported content type.'),
  503: errorResponse('Shutting down.'),
};

export const OPENAPI = {
  openapi: '3.0.3',
  info: {
    title: 'Gregor gateway',
    version: '1',
    description: 'HTTP ingest, topic administration, a message browser and WebSocket streaming for the Gregor broker, in-process with it. Errors are JSON with a Kafka error code. Client quotas (producer_byte_rate for produce, consumer_byte_rate for the browser and WebSocket streams) apply to the authenticated user and the client id of a client-id / x-client-id header (default "gateway"): an answer over the quota waits the throttle time and carries it in throttle_time_ms and the kafka-throttle-time-ms header.',
  },
  paths: {
    '/topics': {
      get: { summary: 'List topics', parameters: [{ name: 'details', in: 'query', schema: { type: 'boolean' }, description: 'true: partitions, offsets and sizes too' }],
        responses: { 200: { description: 'Topic names (or Topic objects with details=true)', content: { 'application/json': { schema: { type: 'array', items: { oneOf: [{ type: 'string' }, { $ref: '#/components/schemas/Topic' }] } } } } } } },
      post: { summary: 'Create a topic', requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CreateTopic' } } } },
        responses: { 201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Topic' } } } }, 400: errorResponse('Invalid name, partitions or configs'), 409: errorResponse('TOPIC_ALREADY_EXISTS (36)') } },
    },
    '/topics/{topic}': {
      get: { summary: 'Describe a topic: partitions with offsets and sizes', parameters: [topicParam], responses: { 200: { description: 'The topic', content: { 'application/json': { schema: { $ref: '#/components/schemas/Topic' } } } }, 404: errorResponse('Unknown topic') } },
      post: { summary: 'Produce records; keyed records are partitioned with murmur2 like Kafka clients, keyless ones stick to one partition per request',
        parameters: [topicParam, acksParam], requestBody: produceBody, responses: produceResponses },
    },
    '/topics/{topic}/partitions': { get: { summary: 'Partitions of a topic', parameters: [topicParam], responses: { 200: { description: 'Partitions' }, 404: errorResponse('Unknown topic') } } },
    '/topics/{topic}/partitions/{partition}': {
      post: { summary: 'Produce records to one partition', parameters: [topicParam, partitionParam, acksParam], requestBody: produceBody, responses: produceResponses },
    },
    '/topics/{topic}/partitions/{partition}/records': {
      get: {
        summary: 'Browse records (keys, values and header values base64)',
        parameters: [topicParam, partitionParam,
          { name: 'offset', in: 'query', schema: { type: 'integer' }, description: 'First offset (default: log start); negative: the last n records' },
          { name: 'timestamp', in: 'query', schema: { type: 'integer' }, description: 'Start at the first record with timestamp >= this (ms)' },
          { name: 'limit', in: 'query', schema: { type: 'integer', default: 50, maximum: 1000 } },
          { name: 'isolation', in: 'query', schema: { type: 'string', enum: ['read_committed', 'read_uncommitted'], default: 'read_committed' },
            description: 'As Kafka\'s isolation.level: read_committed shows records up to the last stable offset, without aborted transactions; read_uncommitted up to the high watermark, aborted data included. Transaction markers are never shown.' }],
        responses: { 200: { description: 'Records', content: { 'application/json': { schema: { $ref: '#/components/schemas/BrowseResponse' } } } }, 404: errorResponse('Unknown topic or partition') },
      },
    },
    '/metrics': { get: { summary: 'Prometheus metrics (text format 0.0.4), Kafka-style names', responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
    '/healthz': { get: { summary: 'Liveness', responses: { 200: { description: 'The process serves requests' } } } },
    '/readyz': { get: { summary: 'Readiness', responses: { 200: { description: 'Ready' }, 503: { description: 'Shutting down' } } } },
    '/openapi.json': { get: { summary: 'This document', responses: { 200: { description: 'OpenAPI 3.0' } } } },
    '/': { get: { summary: 'The web console', responses: { 200: { description: 'HTML' } } } },
    '/ws': { get: { summary: 'WebSocket upgrade: streaming consumers and live stats (see x-websocket)', responses: { 101: { description: 'Switching protocols' } } } },
  },
  components: {
    schemas: {
      Error: { type: 'object', required: ['error_code', 'error', 'message'], properties: {
        error_code: { type: 'integer', description: 'Kafka error code' }, error: { type: 'string', description: 'Kafka error name' }, message: { type: 'string' } } },
      Header: { type: 'object', properties: { name: { type: 'string' }, value: { type: 'string', nullable: true } } },
      ProduceRecord: { type: 'object', properties: {
        key: { nullable: true, description: 'string, any JSON value, or base64 (binary format)' },
        value: { nullable: true, description: 'string, any JSON value, or base64 (binary format); null is a tombstone' },
        partition: { type: 'integer', minimum: 0 }, timestamp: { type: 'integer', description: 'ms since the epoch (default: now)' },
        headers: { oneOf: [{ type: 'array', items: { $ref: '#/components/schemas/Header' } }, { type: 'object', additionalProperties: { type: 'string', nullable: true } }] } } },
      ProduceRequest: { oneOf: [
        { type: 'object', required: ['records'], properties: { records: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/ProduceRecord' } } } },
        { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/ProduceRecord' } },
        { $ref: '#/components/schemas/ProduceRecord' }] },
      ProduceResponse: { type: 'object', properties: { offsets: { type: 'array', items: { type: 'object', properties: {
        partition: { type: 'integer' }, offset: { type: 'integer' }, timestamp: { type: 'integer' },
        error_code: { type: 'integer', nullable: true }, error: { type: 'string', nullable: true }, message: { type: 'string' } } } },
        key_schema_id: { nullable: true }, value_schema_id: { nullable: true }, throttle_time_ms: { type: 'integer', description: 'ms this answer was held back by producer_byte_rate (0: none)' } } },
      Partition: { type: 'object', properties: { partition: { type: 'integer' }, leader: { type: 'integer' }, log_start_offset: { type: 'integer' },
        log_end_offset: { type: 'integer' }, high_watermark: { type: 'integer' }, size_bytes: { type: 'integer' } } },
      Topic: { type: 'object', properties: { name: { type: 'string' }, partitions: { type: 'array', items: { $ref: '#/components/schemas/Partition' } },
        configs: { type: 'object', additionalProperties: { type: 'string' } }, size_bytes: { type: 'integer' } } },
      CreateTopic: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, partitions: { type: 'integer' }, replication_factor: { type: 'integer' },
        configs: { type: 'object', additionalProperties: { type: 'string' }, description: 'Kafka topic configs, e.g. retention.ms' } } },
      BrowseResponse: { type: 'object', properties: { topic: { type: 'string' }, partition: { type: 'integer' }, isolation: { type: 'string' }, log_start_offset: { type: 'integer' }, high_watermark: { type: 'integer' }, last_stable_offset: { type: 'integer' },
        throttle_time_ms: { type: 'integer' }, encoding: { type: 'string', enum: ['base64'] }, records: { type: 'array', items: { type: 'object', properties: {
          offset: { type: 'integer' }, timestamp: { type: 'integer' }, key: { type: 'string', nullable: true }, value: { type: 'string', nullable: true },
          headers: { type: 'array', items: { type: 'array', items: { type: 'string', nullable: true } } } } } } } },
    },
  },
  'x-websocket': {
    path: '/ws',
    description: 'JSON text control messages from the client; records arrive as JSON text frames or binary frames. Flow control: the server sends at most `credit` records before the client grants more, and stops while gateway.ws.max.buffered.bytes wait unread.',
    clientMessages: {
      subscribe: { type: 'subscribe', topic: 'string', partitions: '[int] (default: all)', from: '"earliest" | "latest" (default) | {"offset": n} | {"timestamp": ms} | {"offsets": {"<partition>": n}}',
        reset: '"earliest" | "latest": start of partitions missing from "offsets" (default earliest)', format: '"json" (text) | "base64" | "binary"', credit: 'records the server may send (default 1000); null: no window',
        clientId: 'string: the client id this socket\'s reads are measured under for consumer_byte_rate (default: the upgrade\'s client-id / x-client-id header, else "gateway"); a socket over its quota pauses sending for the throttle time',
        isolation: '"read_committed" (default: up to the last stable offset, aborted transactions dropped; an open transaction\'s records arrive once it commits) | "read_uncommitted" (up to the high watermark); never transaction markers. Also with "group"' },
      credit: { type: 'credit', records: 'int: more records the server may send' },
      ack: { type: 'ack', offsets: '[{topic, partition, offset}] (offset = next to read); also "commit"' },
      unsubscribe: { type: 'unsubscribe', topic: 'string (omit: all)' },
      ping: { type: 'ping', id: 'any' },
      stats: { type: 'stats', description: 'subscribe to 1 Hz throughput/latency snapshots (the console\'s live charts)' },
    },
    serverMessages: {
      subscribed: { type: 'subscribed', topic: 'string', isolation: 'string', partitions: '[{partition, offset}]', format: 'string', credit: 'int | null' },
      records: { type: 'records', topic: 'string', partition: 'int', records: '[{offset, timestamp, key, value, headers: [[name, value]]}]' },
      binaryRecords: 'u8 1 | u16 topicLength | topic | i32 partition | u32 count | per record: i64 offset | i64 timestamp | i32 keyLength (-1 null) | key | i32 valueLength | value | u16 headerCount | per header: u16 nameLength | name | i32 valueLength | value',
      reset: { type: 'reset', topic: 'string', partition: 'int', from: 'int', to: 'int (retention removed the position; continuing at the log start)' },
      error: { type: 'error', error_code: 'Kafka error code', error: 'Kafka error name', message: 'string' },
      stats: { type: 'stats', produce: '{recordsPerSec, bytesPerSec, latencyMs: {p50, p99}}', fetch: '{bytesPerSec, wsRecordsPerSec, latencyMs}', connections: '{kafka, websocket}' },
    },
  },
} as const;
