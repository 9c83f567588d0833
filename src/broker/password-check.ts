// Username/password checks for ingresses that cannot speak SASL (the gateway's HTTP Basic): the same users
// as the Kafka listeners — PLAIN users from JAAS and SCRAM users from the metadata store. The check is
// synchronous (an HTTP handler must take its body in the same tick): SCRAM credentials are kept in a
// snapshot refreshed in the background (every 5 s: changes made through other brokers) and before this
// broker answers an AlterUserScramCredentials that changed them, and a verified
// user/password pair is remembered for a while so PBKDF2 runs once per pair, not per request.
import { createHash } from 'node:crypto';
import type { MetadataStore } from '../metadata/index.js';
import { Scram } from '../protocol/index.js';
import { passwordEquals, scramPasswordMatches } from '../security/index.js';

const REFRESH_MS = 5_000;
const REMEMBER_MS = 5 * 60_000;
const REMEMBER_MAX = 10_000;

export class PasswordCheck {
  readonly #plain: ReadonlyMap<string, string>;
  readonly #store: MetadataStore;
  #scram = new Map<string, Readonly<Record<string, string>>>();
  readonly #verified = new Map<string, { user: string; until: number }>();
  #timer: NodeJS.Timeout | undefined;
  readonly #onClose: Array<() => void> = [];

  constructor(plainUsers: ReadonlyMap<string, string>, store: MetadataStore) {
    this.#plain = plainUsers;
    this.#store = store;
  }

  /** Loads the SCRAM users, then keeps them fresh until close(). */
  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => void this.refresh().catch(() => {}), REFRESH_MS);
    this.#timer.unref();
  }

  async refresh(): Promise<void> {
    const next = new Map<string, Readonly<Record<string, string>>>();
    for (const user of await this.#store.scramUsers()) next.set(user, await this.#store.scramCredentials(user));
    this.#scram = next;
    // A changed or deleted credential must not stay accepted through the remembered pairs.
    this.#verified.clear();
  }

  /** Runs `f` at close() (the broker unsubscribes the check from credential changes). */
  onClose(f: () => void): void {
    this.#onClose.push(f);
  }

  close(): void {
    clearInterval(this.#timer);
    for (const f of this.#onClose.splice(0)) f();
  }

  /** The user name when `password` is right for `user` (a PLAIN or a SCRAM user), else undefined. */
  check(user: string, password: string): string | undefined {
    const key = createHash('sha256').update(user).update('\u0000').update(password).digest('base64');
    const hit = this.#verified.get(key);
    const now = Date.now();
    if (hit && hit.until > now) return hit.user;
    let ok = false;
    const plain = this.#plain.get(user);
    if (plain !== undefined) ok = passwordEquals(plain, password);
    if (!ok) {
      const creds = this.#scram.get(user) ?? {};
      for (const m of Scram.SCRAM_MECHANISMS) {
        const c = creds[m] === undefined ? undefined : Scram.parseCredential(creds[m]!);
        if (c && scramPasswordMatches(m, c, password)) {
          ok = true;
          break;
        }
      }
    }
    if (!ok) return undefined;
    if (this.#verified.size >= REMEMBER_MAX) this.#verified.clear();
    this.#verified.set(key, { user, until: now + REMEMBER_MS });
    return user;
  }
}
