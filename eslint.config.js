// Lint: TypeScript rules plus the module boundaries of DESIGN.md §1 — a module imports another only
// through its index.ts, and only modules below it.
import tseslint from 'typescript-eslint';

// Which modules each module may import (besides itself). Order follows the picture in DESIGN.md §1.
const ALLOWED = {
  cli: ['gateway', 'broker', 'client', 'config', 'network', 'protocol', 'metadata', 'log', 'security', 'acl'],
  // The gateway calls the broker in-process: every append and read goes through its ReplicaManager,
  // never to partition logs or the addon directly.
  gateway: ['broker', 'config', 'protocol'],
  network: ['config'],
  // TLS options, SASL server exchanges, JAAS and principal mapping (the broker wires them to listeners).
  security: ['protocol', 'config'],
  broker: ['protocol', 'log', 'group', 'metadata', 'config', 'network', 'hotpath', 'cluster', 'security', 'txn', 'acl'],
  // Kafka's ACL model and the authorizer over the metadata store's ACLs.
  acl: ['metadata'],
  // The controller, partition roles and replica fetchers (which talk to leaders with the client's connection).
  cluster: ['protocol', 'log', 'metadata', 'config', 'client'],
  group: ['protocol', 'log', 'metadata', 'config'],
  // The transaction coordinator: beside group (whose partition formula and offsets topic it uses for AddOffsetsToTxn);
  // markers for partitions led elsewhere go out with the client's connection, as the replica fetchers do.
  txn: ['protocol', 'log', 'group', 'metadata', 'config', 'client'],
  log: ['hotpath', 'config', 'protocol'],
  metadata: ['config'],
  hotpath: ['protocol'],
  protocol: [],
  config: [],
  client: ['protocol'],
};
const MODULES = Object.keys(ALLOWED);

function boundaryRules(mod) {
  const patterns = [];
  for (const other of MODULES) {
    if (other === mod) continue;
    if (ALLOWED[mod].includes(other)) {
      // Only through the module's public face.
      patterns.push({ group: [`../${other}/*`, `../../${other}/*`, `!../${other}/index.js`, `!../../${other}/index.js`], message: `Import ${other} only through its index.ts.` });
    } else {
      patterns.push({ group: [`../${other}/*`, `../../${other}/*`, `../../../${other}/*`], message: `${mod} may not depend on ${other} (DESIGN.md §1).` });
    }
  }
  return { 'no-restricted-imports': ['error', { patterns }] };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'target/**', 'native/index.d.ts', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...MODULES.map((mod) => ({ files: [`src/${mod}/**/*.ts`], rules: boundaryRules(mod) })),
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
