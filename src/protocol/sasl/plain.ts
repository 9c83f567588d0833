// SASL PLAIN (RFC 4616): one message, [authzid] NUL authcid NUL passwd, UTF-8.

export interface PlainCredentials {
  readonly authzid: string;
  readonly username: string;
  readonly password: string;
}

/** Parses a PLAIN message; undefined when it is not three NUL-separated fields with a user and a password. */
export function parsePlain(msg: Buffer): PlainCredentials | undefined {
  const first = msg.indexOf(0);
  const second = first < 0 ? -1 : msg.indexOf(0, first + 1);
  if (first < 0 || second < 0 || msg.indexOf(0, second + 1) >= 0) return undefined;
  const authzid = msg.toString('utf8', 0, first);
  const username = msg.toString('utf8', first + 1, second);
  const password = msg.toString('utf8', second + 1);
  if (username === '' || password === '') return undefined;
  return { authzid, username, password };
}

export function formatPlain(username: string, password: string, authzid = ''): Buffer {
  return Buffer.from(`${authzid}\u0000${username}\u0000${password}`, 'utf8');
}
