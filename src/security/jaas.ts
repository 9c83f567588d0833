// Kafka's JAAS configuration values (sasl.jaas.config, listener.name.<l>.<mechanism>.sasl.jaas.config):
//   <LoginModuleClass> <required|requisite|sufficient|optional> key="value" key=value ... ;
// PlainLoginModule's user_<name>="<password>" options are the broker's PLAIN users; username/password
// are the credentials this broker logs in with to others.

export interface JaasEntry {
  readonly loginModule: string;
  readonly flag: string;
  readonly options: Readonly<Record<string, string>>;
}

export class JaasError extends Error {}

export function parseJaasConfig(text: string): JaasEntry[] {
  const out: JaasEntry[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const word = (): string => {
    const m = /^[^\s=;"]+/.exec(text.slice(i));
    if (!m) throw new JaasError(`JAAS config: expected a name at offset ${i}`);
    i += m[0].length;
    return m[0];
  };
  const value = (): string => {
    if (text[i] !== '"') return word();
    let v = '';
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\' && i + 1 < text.length) i++;
      v += text[i++];
    }
    if (text[i] !== '"') throw new JaasError('JAAS config: unterminated quoted value');
    i++;
    return v;
  };
  for (;;) {
    ws();
    if (i >= text.length) break;
    const loginModule = word();
    ws();
    const flag = word();
    if (!['required', 'requisite', 'sufficient', 'optional'].includes(flag)) throw new JaasError(`JAAS config: invalid control flag "${flag}" for ${loginModule}`);
    const options: Record<string, string> = {};
    for (;;) {
      ws();
      if (i >= text.length) throw new JaasError('JAAS config: each login module must end with ";"');
      if (text[i] === ';') {
        i++;
        break;
      }
      const key = word();
      ws();
      if (text[i] !== '=') throw new JaasError(`JAAS config: expected "=" after ${key}`);
      i++;
      ws();
      options[key] = value();
    }
    out.push({ loginModule, flag, options });
  }
  if (out.length === 0) throw new JaasError('JAAS config: no login module');
  return out;
}

/** PLAIN users (user_<name>="<password>") of a JAAS config. */
export function plainUsers(entries: readonly JaasEntry[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const e of entries) {
    for (const [k, v] of Object.entries(e.options)) if (k.startsWith('user_') && k.length > 5) users.set(k.slice(5), v);
  }
  return users;
}

/** The username and password a login module logs in with, when it names them. */
export function loginCredentials(entries: readonly JaasEntry[]): { username: string; password: string } | undefined {
  for (const e of entries) {
    const { username, password } = e.options;
    if (username !== undefined && password !== undefined) return { username, password };
  }
  return undefined;
}
