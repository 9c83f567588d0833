// A kafkajs group member in its own process, so a test can SIGKILL it (no LeaveGroup, no more heartbeats).
// Usage: node kafkajs-member.js <bootstrap> <groupId> <topic> <sessionTimeoutMs>
// Prints one JSON line per event: {"join":memberId} after each rebalance, {"record":"partition:offset"} per record.
import { kafkaClient } from './kafkajs.js';

const [bootstrap, groupId, topic, sessionTimeout] = process.argv.slice(2);
const kafka = kafkaClient(bootstrap, 'child-member');
const consumer = kafka.consumer({ groupId, sessionTimeout: Number(sessionTimeout), heartbeatInterval: 300, maxWaitTimeInMs: 200 });
consumer.on(consumer.events.GROUP_JOIN, (e) => process.stdout.write(`${JSON.stringify({ join: e.payload.memberId })}\n`));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({ eachMessage: async ({ partition, message }) => void process.stdout.write(`${JSON.stringify({ record: `${partition}:${message.offset}` })}\n`) });
