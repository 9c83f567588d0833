// Helpers shared by the command modules.

export type SetExit = (code: number) => void;

/** Collects repeated `--flag key=value` options into a record. */
export function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const i = value.indexOf('=');
  if (i <= 0) throw new Error(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, i).trim()]: value.slice(i + 1) };
}
