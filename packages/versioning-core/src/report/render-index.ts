import { escapeHtml } from './html';
import { pageHead, splitText } from './page-head';

/** What the index page says of one resource's report. */
export interface ReportSummary {
  resource: string;
  repository: string;
  releases: number;
  /** Tag of the highest release; null before the first. */
  newest: string | null;
  environments: Array<{ name: string; weights: Record<string, number> }>;
}

/** The workspace's index: one row per resource report, linking it; same summaries, same bytes. */
export function renderIndex(summaries: ReportSummary[]): string {
  const rows = summaries.map(
    (s) =>
      `<tr><th scope="row"><a href="${encodeURIComponent(s.resource)}/report.html">${escapeHtml(s.resource)}</a></th>` +
      `<td class="num">${s.releases}</td><td><code>${escapeHtml(s.newest ?? '—')}</code></td>` +
      `<td>${s.environments.map((e) => `${escapeHtml(e.name)}: ${escapeHtml(splitText(e.weights))}`).join('<br>') || '—'}</td>` +
      `<td class="repo">${escapeHtml(s.repository)}</td></tr>`,
  );
  return [
    pageHead('ModelOS resources'),
    '<body><header><h1>ModelOS resources</h1></header><main id="main">',
    '<div class="table-wrap" tabindex="0" role="region" aria-label="Resources"><table id="resources"><caption>Resources of the workspace</caption>',
    '<thead><tr><th scope="col">resource</th><th scope="col">releases</th><th scope="col">newest</th><th scope="col">environments</th><th scope="col">repository</th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></div>`,
    '</main></body></html>',
    '',
  ].join('\n');
}
