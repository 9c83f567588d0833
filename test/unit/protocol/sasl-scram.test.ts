// SCRAM formats and key derivations against RFC 7677's SCRAM-SHA-256 example, and the credential text form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scram, SaslPlain } from '../../../src/protocol/index.js';

test('RFC 7677 example: client proof and server signature', () => {
  const first = Scram.parseClientFirst('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
  assert.equal(first.user, 'user');
  assert.equal(first.bare, 'n=user,r=rOprNGfwEbeRWgbNEkqO');
  const serverFirst = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
  const sf = Scram.parseServerFirst(serverFirst);
  assert.equal(sf.iterations, 4096);
  const salted = Scram.saltedPassword('SCRAM-SHA-256', 'pencil', sf.salt, sf.iterations);
  const withoutProof = `c=biws,r=${sf.nonce}`;
  const auth = Scram.authMessage(first.bare, serverFirst, withoutProof);
  assert.equal(Scram.clientProof('SCRAM-SHA-256', salted, auth).toString('base64'), 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
  const cred = Scram.credentialFromSaltedPassword('SCRAM-SHA-256', salted, sf.salt, 4096);
  assert.equal(Scram.serverSignature('SCRAM-SHA-256', cred.serverKey, auth).toString('base64'), '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
  const fin = Scram.parseClientFinal(`${withoutProof},p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=`);
  assert.equal(fin.withoutProof, withoutProof);
  assert.ok(Scram.verifyProof('SCRAM-SHA-256', cred, auth, fin.proof));
  assert.ok(!Scram.verifyProof('SCRAM-SHA-256', cred, auth + 'x', fin.proof));
  assert.ok(!Scram.verifyProof('SCRAM-SHA-256', cred, auth, Buffer.alloc(5)), 'a proof of the wrong length is refused, not thrown on');
});

test('credentials round-trip through Kafka\'s text form; the password is nowhere in it', () => {
  const c = Scram.credentialFromPassword('SCRAM-SHA-512', 'secret-password', 8192);
  const text = Scram.formatCredential(c);
  assert.match(text, /^salt=[^,]+,stored_key=[^,]+,server_key=[^,]+,iterations=8192$/);
  assert.ok(!text.includes('secret-password'));
  assert.deepEqual(Scram.parseCredential(text), c);
  assert.equal(Scram.parseCredential('salt=abc'), undefined);
  assert.equal(Scram.parseCredential('garbage'), undefined);
});

test('saslnames escape , and =; malformed client-first messages are refused', () => {
  assert.equal(Scram.encodeSaslName('a,b=c'), 'a=2Cb=3Dc');
  assert.equal(Scram.decodeSaslName('a=2Cb=3Dc'), 'a,b=c');
  assert.equal(Scram.decodeSaslName('a=4x'), undefined);
  for (const bad of ['', 'n,,', 'x,,n=u,r=n', 'n,,r=abc,n=u', 'n,,n=,r=abc', 'n,,n=u,r=', 'n,,n=u,r=a,b']) {
    assert.throws(() => Scram.parseClientFirst(bad), Scram.ScramFormatError, JSON.stringify(bad));
  }
  assert.deepEqual(Scram.parseClientFirst('n,,n=u,r=abc,tokenauth=true').extensions, { tokenauth: 'true' });
  assert.throws(() => Scram.parseClientFinal('c=biws,r=abc'), Scram.ScramFormatError);
  assert.equal(Scram.mechanismOfType(Scram.mechanismType('SCRAM-SHA-512')), 'SCRAM-SHA-512');
  assert.equal(Scram.mechanismOfType(0), undefined);
});

test('PLAIN messages: three NUL-separated fields', () => {
  assert.deepEqual(SaslPlain.parsePlain(SaslPlain.formatPlain('alice', 'pw')), { authzid: '', username: 'alice', password: 'pw' });
  assert.equal(SaslPlain.parsePlain(Buffer.from('alice\u0000pw')), undefined);
  assert.equal(SaslPlain.parsePlain(Buffer.from('\u0000\u0000pw')), undefined);
  assert.equal(SaslPlain.parsePlain(Buffer.from('a\u0000b\u0000c\u0000d')), undefined);
});
