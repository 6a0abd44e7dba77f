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

/**
 * The `--json` document of every task of an `nx run-many --outputStyle=static` run, by project:
 * Nx prints each task's output under its `> nx run <project>:<target>` line. In batch mode Nx may
 * print a task's line a second time without output, so each project takes the first of its
 * sections that holds a document, and a project with none is an error.
 */
export function taskDocuments<T = any>(stdout: string, target: string): Record<string, T> {
  const header = new RegExp(`^> nx run ([^:\\s]+):${target}\\b.*$`, 'gm');
  const starts = [...stdout.matchAll(header)];
  const documents: Record<string, T> = {};
  for (const [i, match] of starts.entries()) {
    if (match[1] in documents) continue;
    try {
      documents[match[1]] = jsonDocument<T>(stdout.slice(match.index, starts[i + 1]?.index ?? stdout.length));
    } catch {
      // An empty section: the document may stand under a later line of the same task.
    }
  }
  const missing = [...new Set(starts.map((m) => m[1]))].filter((project) => !(project in documents));
  if (missing.length) throw new Error(`no JSON document for ${missing.join(', ')} in the whole output:\n${stdout}`);
  return documents;
}
