/**
 * The `--json` document printed by a target through `nx run`: it stands on lines of its own
 * between Nx's banners, and its top-level brackets are its only unindented ones.
 */
export function jsonDocument<T = any>(stdout: string): T {
  const lines = stdout.split(/\r?\n/);
  const start = lines.findIndex((line) => line === '{' || line === '[' || line === '[]');
  if (start < 0) throw new Error(`no JSON document in:\n${stdout}`);
  if (lines[start] === '[]') return [] as T;
  const close = lines[start] === '{' ? '}' : ']';
  const end = lines.indexOf(close, start);
  if (end < 0) throw new Error(`unterminated JSON document in:\n${stdout}`);
  return JSON.parse(lines.slice(start, end + 1).join('\n')) as T;
}
