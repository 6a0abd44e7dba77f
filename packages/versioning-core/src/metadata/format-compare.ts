import { formatBytes } from '../format/bytes';
import { formatTable } from '../format/table';
import { sideName, type Comparison, type NumberDifference } from './compare';
import { formatAuthor } from './format-describe';

/** `compare` for people: the two versions, then size and metrics as "from → to, difference (relative)", interface, files. */
export function formatComparison(c: Comparison): string {
  const versions = formatTable(
    ['', 'from', 'to'],
    [
      ['version', shownTag(c.from), shownTag(c.to)],
      ['digest', shortDigest(c.from.digest), shortDigest(c.to.digest)],
      ['created', c.from.created ?? '-', c.to.created ?? '-'],
      ['author', formatAuthor(c.from.author), formatAuthor(c.to.author)],
      ['size', `${c.size.from} bytes`, `${c.size.to} bytes`],
    ],
  );
  const changes = formatTable(
    ['', 'change'],
    [
      ['size', formatChange(c.size, formatBytes)],
      ...c.metrics.map((m) => [m.name, formatChange(m, String)]),
      ...c.labels.filter((l) => l.from !== l.to).map((l) => [l.name, `${l.from ?? '-'} → ${l.to ?? '-'}`]),
    ],
  );
  const sections = [versions, changes, `bump: ${c.interface.bump} — ${c.interface.reason}`];
  if (c.interface.changes.length) {
    sections.push(formatTable(['bump', 'change'], c.interface.changes.map((change) => [change.bump, change.detail])));
  }
  sections.push(formatFileChanges(c));
  return sections.join('\n\n');
}

/** "0.89 → 0.92, +0.03 (+3.4%)"; a side without the number shows '-' and no difference. */
export function formatChange(d: NumberDifference, show: (n: number) => string): string {
  const ends = `${d.from === null ? '-' : show(d.from)} → ${d.to === null ? '-' : show(d.to)}`;
  if (d.difference === null) return ends;
  const relative = d.relative === null ? '' : ` (${signed((d.relative * 100).toFixed(1))}%)`;
  return `${ends}, ${signed(show(d.difference))}${relative}`;
}

function signed(text: string): string {
  return text.startsWith('-') || /^0(\.0+)?( |$)/.test(text) ? text : `+${text}`;
}

/** `latest (v1.1.0)`: the tag asked for, and the release it stands for when that says more. */
function shownTag(v: Comparison['from']): string {
  const name = sideName(v);
  return v.tag && v.tag !== name ? `${v.tag} (${name})` : name;
}

function shortDigest(digest: string | null): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '-';
}

function formatFileChanges(c: Comparison): string {
  const rows: string[][] = [];
  for (const p of c.files) {
    if (!p.recorded) rows.push([p.project, 'not recorded', '(a config older than file records)', '-']);
    for (const f of p.added) rows.push([p.project, 'added', f.path, formatBytes(f.size)]);
    for (const f of p.removed) rows.push([p.project, 'removed', f.path, formatBytes(f.size)]);
    for (const f of p.changed) rows.push([p.project, 'changed', f.path, `${formatBytes(f.from.size)} → ${formatBytes(f.to.size)}`]);
  }
  const unchanged = c.files.reduce((sum, p) => sum + p.unchanged, 0);
  return `${formatTable(['project', 'file', 'path', 'size'], rows)}\n${unchanged} file(s) unchanged`;
}
