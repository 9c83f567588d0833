// ssl.principal.mapping.rules: how a TLS client certificate's distinguished name becomes a principal name.
// Rules are tried in order: RULE:<regex>/<replacement>/[L|U] maps a DN the regex matches in full ($1... in
// the replacement, L/U lower- or upper-cases the result); DEFAULT is the DN itself. No rule matching: the DN.

export interface PrincipalRule {
  readonly pattern: RegExp | null; // null: DEFAULT
  readonly replacement: string;
  readonly caseFold: '' | 'L' | 'U';
}

const RULE = /\s*(?:(DEFAULT)|RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU])?)\s*(?:,|$)/gy;

export function parsePrincipalRules(spec: string): PrincipalRule[] {
  const rules: PrincipalRule[] = [];
  const text = spec.trim();
  if (text === '') return [{ pattern: null, replacement: '', caseFold: '' }];
  RULE.lastIndex = 0;
  while (RULE.lastIndex < text.length) {
    const at = RULE.lastIndex;
    const m = RULE.exec(text);
    if (!m || m[0] === '') throw new Error(`Invalid ssl.principal.mapping.rules at "${text.slice(at)}": expected DEFAULT or RULE:pattern/replacement/[LU]`);
    if (m[1]) rules.push({ pattern: null, replacement: '', caseFold: '' });
    else rules.push({ pattern: new RegExp(`^(?:${m[2]})$`), replacement: m[3]!.replace(/\\(.)/g, '$1'), caseFold: (m[4] ?? '') as '' | 'L' | 'U' });
  }
  return rules;
}

export function mapDistinguishedName(rules: readonly PrincipalRule[], dn: string): string {
  for (const r of rules) {
    if (r.pattern === null) return dn;
    const m = r.pattern.exec(dn);
    if (!m) continue;
    const name = r.replacement.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
    return r.caseFold === 'L' ? name.toLowerCase() : r.caseFold === 'U' ? name.toUpperCase() : name;
  }
  return dn;
}
