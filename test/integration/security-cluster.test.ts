// A three-broker ZooKeeper cluster whose inter-broker listener is SASL_SSL with SCRAM-SHA-512: clients use
// a PLAINTEXT listener named CLIENT, replica fetchers connect to each leader's BROKER listener over TLS
// (certificate checked against 127.0.0.1) and log in as User:broker, whose SCRAM credential lives in
// ZooKeeper (/config/users/broker), created once through one broker and seen by all. Metadata on the
// CLIENT listener names every broker's CLIENT endpoint.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerProcess, freePort } from '../helpers/broker-process.js';
import { ZooKeeperServer } from '../helpers/zookeeper.js';
import { kafkaClient } from '../helpers/kafkajs.js';
import { waitFor } from '../helpers/wait.js';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect } from 'node:tls';
import { makeTestCerts, type TestCerts } from '../helpers/certs.js';
import { setScramUser } from '../helpers/secure-broker.js';

describe('a cluster replicating over SASL_SSL', () => {
  let zk: ZooKeeperServer;
  let certs: TestCerts;
  const brokers: BrokerProcess[] = [];
  const clientPorts: number[] = [];
  const brokerPorts: number[] = [];
  let bootstrap = '';
  let next: TestCerts | undefined;

  before(async () => {
    certs = makeTestCerts();
    zk = await ZooKeeperServer.start();
    for (let id = 0; id < 3; id++) {
      const client = await freePort();
      const broker = await freePort();
      clientPorts.push(client);
      brokerPorts.push(broker);
      brokers.push(await BrokerProcess.start({
        port: client,
        overrides: {
          'broker.id': id, 'zookeeper.connect': `127.0.0.1:${zk.port}/gregor`, 'zookeeper.session.timeout.ms': 6000,
          'replica.lag.time.max.ms': 5000, 'replica.fetch.wait.max.ms': 100, 'replica.fetch.backoff.ms': 300, 'offsets.topic.num.partitions': 3, 'auto.leader.rebalance.enable': false,
          listeners: `CLIENT://127.0.0.1:${client},BROKER://127.0.0.1:${broker}`,
          'listener.security.protocol.map': 'CLIENT:PLAINTEXT,BROKER:SASL_SSL',
          'inter.broker.listener.name': 'BROKER',
          'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
          'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
          'listener.name.broker.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="broker-secret";',
          'ssl.keystore.type': 'PKCS12', 'ssl.keystore.location': certs.brokerP12, 'ssl.keystore.password': certs.password,
          'ssl.truststore.type': 'PKCS12', 'ssl.truststore.location': certs.trustP12, 'ssl.truststore.password': certs.password,
        },
      }));
    }
    bootstrap = brokers.map((b) => b.bootstrap).join(',');
    // The brokers' own credential, in ZooKeeper: created through one broker, used by every fetcher (three
    // partitions: each broker leads one, so each is fetched from).
    await setScramUser(brokers[0]!.bootstrap, 'broker', 'broker-secret', 'SCRAM-SHA-512');
  });
  after(async () => {
    for (const b of brokers) await b.close();
    next?.remove();
    await zk?.stop();
    certs?.remove();
  });

  test('replicas fetch over SASL_SSL: full ISRs, acks=all, every broker holds the records', async () => {
    const admin = kafkaClient(bootstrap).admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'sasl-replicated', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '3' }] }] });
      const c = await admin.describeCluster();
      assert.deepEqual(c.brokers.map((b) => b.port).sort(), [...clientPorts].sort(), 'Metadata on CLIENT names the CLIENT endpoints');
      await waitFor('full ISRs', async () => {
        const m = await admin.fetchTopicMetadata({ topics: ['sasl-replicated'] });
        return m.topics[0]!.partitions.every((p) => p.leader >= 0 && p.isr.length === 3);
      }, 60_000);
    } finally {
      await admin.disconnect();
    }
    const producer = kafkaClient(bootstrap).producer({ allowAutoTopicCreation: false });
    await producer.connect();
    for (let i = 0; i < 20; i++) await producer.send({ topic: 'sasl-replicated', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] });
    await producer.disconnect();
    for (const b of brokers) {
      await waitFor(`broker ${b.port}: fetchers authenticated as User:broker over TLS`, () => /"listener":"BROKER","principal":"User:broker","mechanism":"SCRAM-SHA-512"/.test(b.output) || undefined, 30_000);
    }
    const admin2 = kafkaClient(bootstrap).admin();
    await admin2.connect();
    try {
      const offsets = await admin2.fetchTopicOffsets('sasl-replicated');
      assert.equal(offsets.reduce((n, p) => n + Number(p.high), 0), 20, 'acks=all with min.insync.replicas=3 succeeded for all 20');
    } finally {
      await admin2.disconnect();
    }
  });

  test('AlterConfigs for broker 1 through broker 0: broker 1 loads its new key store from ZooKeeper', async () => {
    next = makeTestCerts();
    const handshake = (port: number, ca: string) => new Promise<boolean>((resolve) => {
      const sock = tlsConnect({ host: '127.0.0.1', port, ca: [readFileSync(ca)] }, () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
      sock.setTimeout(5000, () => {
        sock.destroy();
        resolve(false);
      });
    });
    assert.ok(!(await handshake(brokerPorts[1]!, next.caPem)));
    const admin = kafkaClient(brokers[0]!.bootstrap).admin();
    await admin.connect();
    try {
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: 4, name: '1', configEntries: [
        { name: 'listener.name.broker.ssl.keystore.type', value: 'PEM' }, { name: 'listener.name.broker.ssl.keystore.location', value: next.brokerPem }] }] });
    } finally {
      await admin.disconnect();
    }
    await waitFor('broker 1 serves the new certificate', async () => (await handshake(brokerPorts[1]!, next!.caPem)) || undefined, 30_000);
    assert.ok(await handshake(brokerPorts[0]!, certs.caPem), 'broker 0 keeps its own');
  });
});
