// Certificates reloaded without a restart: AlterConfigs on the broker with
// listener.name.<listener>.ssl.keystore.location (Kafka's dynamic listener SSL config) loads the new key
// store and new TLS handshakes use it; a store that cannot be read is refused with INVALID_CONFIG and the
// listener keeps its certificate.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

const BROKER_RESOURCE = 4; // Kafka's ConfigResource type BROKER
import { kafkajsConnects } from '../helpers/kafkajs.js';
import { makeTestCerts, type TestCerts } from '../helpers/certs.js';
import { startSecureBroker, type SecureBroker } from '../helpers/secure-broker.js';

describe('TLS certificate reload through AlterConfigs', () => {
  let sb: SecureBroker;
  let next: TestCerts;
  before(async () => {
    sb = await startSecureBroker();
    next = makeTestCerts();
  });
  after(async () => {
    await sb?.close();
    next?.remove();
  });

  const connects = (caFile: string) => kafkajsConnects({ clientId: 'reload', brokers: [sb.addr('SSL')], ssl: { ca: [readFileSync(caFile, 'utf8')] } });

  test('a new key store for the SSL listener is used by new connections; an unreadable one is refused', async () => {
    assert.ok(await connects(sb.certs.caPem));
    assert.ok(!(await connects(next.caPem)));
    const admin = new Kafka({ clientId: 'reload-admin', logLevel: logLevel.NOTHING, brokers: [sb.addr('PLAINTEXT')] }).admin();
    await admin.connect();
    try {
      await assert.rejects(admin.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: '0', configEntries: [{ name: 'listener.name.ssl.ssl.keystore.location', value: '/nonexistent/keystore.pem' }] }] }),
        (e: Error & { type?: string }) => e.type === 'INVALID_CONFIG' || /INVALID_CONFIG|Cannot read/.test(e.message));
      assert.ok(await connects(sb.certs.caPem), 'the refused store changed nothing');
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: BROKER_RESOURCE, name: '0', configEntries: [{ name: 'listener.name.ssl.ssl.keystore.location', value: next.brokerPem }] }] });
    } finally {
      await admin.disconnect();
    }
    assert.ok(await connects(next.caPem), 'the new certificate is served');
    assert.ok(!(await connects(sb.certs.caPem)), 'the old one is not');
  });
});
