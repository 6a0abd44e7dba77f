import { formatBytes } from '../format/bytes';
import { formatTable } from '../format/table';
import type { Author } from '../git';
import type { VersionDescription } from './describe';

/** `describe` for people: a field table, then metrics, labels, requirements and files, each a table. */
export function formatDescription(d: VersionDescription): string {
  const fields: string[][] = [
    ['resource', `${d.repository}:${d.tag}`],
    ['digest', d.digest],
    ['kind', d.status.kind],
    ['tags', d.status.tags.join(', ')],
    ['environments', d.status.environments.join(', ') || '-'],
    ['created', d.created ?? '-'],
    ['author', formatAuthor(d.author)],
    ['size', `${formatBytes(d.size)} (${d.size} bytes)`],
    ['client hash', d.clientHash ? d.clientHash.slice(0, 12) : '-'],
    ['closure commit', d.closureCommit ? d.closureCommit.slice(0, 12) : '-'],
    ['dirty', d.dirtyHash ? d.dirtyHash.slice(0, 12) : 'no'],
  ];
  const sections = [formatTable(['field', 'value'], fields)];
  if (Object.keys(d.metrics).length) sections.push(formatTable(['metric', 'value'], Object.entries(d.metrics).map(([name, value]) => [name, String(value)])));
  if (Object.keys(d.labels).length) sections.push(formatTable(['label', 'value'], Object.entries(d.labels)));
  if (Object.keys(d.requires).length) sections.push(formatTable(['requires', 'spec'], Object.entries(d.requires)));
  if (d.resolved?.length) sections.push(formatTable(['resolved', 'version'], d.resolved.map((r) => [r.resource, r.version])));
  sections.push(formatFiles(d));
  return sections.join('\n\n');
}

export function formatAuthor(author: Author | null): string {
  return author ? `${author.name} <${author.email}>` : '-';
}

/** Per project its layer and file count, then every file: a config older than file records says so. */
function formatFiles(d: VersionDescription): string {
  const projects = d.projects.map((p) => [p.name, formatBytes(p.size), p.files ? String(p.files.length) : 'not recorded']);
  const files = d.projects.flatMap((p) => (p.files ?? []).map((f) => [p.name, f.path, String(f.size), f.sha256.slice(0, 12)]));
  return `${formatTable(['project', 'layer', 'files'], projects)}\n\n${formatTable(['project', 'path', 'size', 'sha256'], files)}`;
}
