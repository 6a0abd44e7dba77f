import { embeddedData } from './embedded-data';
import { escapeHtml, scriptJson } from './html';
import { formatNumber, metricChart } from './metric-chart';
import { asset, pageHead, splitText } from './page-head';
import type { ReportEnvironment, ReportModel, ReportVersion } from './report-model';
import { countOf } from '../format/count';
import { byCodeUnits } from '../code-unit-order';

/**
 * One self-contained HTML page (no request leaves it: style, script, data and charts are
 * inline), a pure function of the model: no generation time, fixed number formats, sorted
 * data, so the same registry state gives the same bytes and Nx can cache the file.
 */
export function renderReport(model: ReportModel): string {
  const title = `${model.resource} — ModelOS report`;
  return [
    pageHead(title),
    '<body>',
    '<a class="skip" href="#main">Skip to content</a>',
    `<header><h1>${escapeHtml(model.resource)}</h1><p class="repo">${escapeHtml(model.repository)}</p>`,
    '<nav aria-label="Sections"><ul><li><a href="#versions">Versions</a></li><li><a href="#metrics">Metrics</a></li>',
    '<li><a href="#environments">Environments</a></li><li><a href="#compare">Compare</a></li></ul></nav></header>',
    '<main id="main">',
    versionsSection(model),
    metricsSection(model),
    environmentsSection(model),
    compareSection(model),
    '</main>',
    `<script type="application/json" id="report-data">${scriptJson(embeddedData(model))}</script>`,
    `<script>${asset('report.js')}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function versionsSection(model: ReportModel): string {
  const newestFirst = [...model.versions].sort((a, b) => byCodeUnits(b.created ?? '', a.created ?? '') || byCodeUnits(b.tag, a.tag));
  const rows = newestFirst.map(
    (v) =>
      `<tr data-tag="${escapeHtml(v.tag)}"><th scope="row"><code>${escapeHtml(v.tag)}</code></th>` +
      `<td><span class="kind kind-${escapeHtml(v.kind)}">${escapeHtml(v.kind)}</span></td>` +
      `<td>${v.created ? `<time datetime="${escapeHtml(v.created)}">${escapeHtml(v.created.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</time>` : '—'}</td>` +
      `<td>${escapeHtml(v.author ?? '—')}</td>` +
      `<td class="num" data-bytes="${v.size ?? ''}">${v.size === null ? '—' : escapeHtml(formatBytes(v.size))}</td>` +
      `<td><code>${escapeHtml(v.clientHash ? v.clientHash.slice(0, 7) : '—')}</code></td>` +
      `<td>${v.environments.map((e) => `<span class="env">${escapeHtml(e)}</span>`).join(' ') || '—'}</td></tr>`,
  );
  return section(
    'versions',
    'Versions',
    `<p>${model.versions.filter(isRelease).length} releases and the ${model.versions.filter((v) => !isRelease(v)).length} newest adhoc and branch versions, newest first.</p>` +
      table(['version', 'kind', 'created', 'author', 'size', 'client', 'environments'], rows, 'versions-table', 'Versions of the resource'),
  );
}

function metricsSection(model: ReportModel): string {
  const releases = model.versions.filter(isRelease);
  const names = [...new Set(releases.flatMap((v) => Object.keys(v.metrics)))].sort();
  if (names.length === 0) return section('metrics', 'Metrics', '<p>No release records metrics (set <code>metricsFile</code> in resource.json).</p>');
  const charts = names.map((name, i) => {
    const points = releases
      .filter((v) => typeof v.metrics[name] === 'number')
      .map((v) => ({ label: v.tag, value: v.metrics[name], environments: v.environments }));
    const titleId = `chart-${i}-title`;
    return (
      `<figure class="metric" data-metric="${escapeHtml(name)}"><figcaption id="${titleId}">${escapeHtml(name)} over ${countOf(points.length, 'release')}` +
      ` (numbers in the table below)</figcaption>${metricChart(name, points, titleId)}</figure>`
    );
  });
  const rows = releases.map(
    (v) =>
      `<tr><th scope="row"><code>${escapeHtml(v.tag)}</code></th>` +
      names.map((n) => `<td class="num">${typeof v.metrics[n] === 'number' ? escapeHtml(formatNumber(v.metrics[n])) : '—'}</td>`).join('') +
      `<td>${v.environments.map(escapeHtml).join(', ') || '—'}</td></tr>`,
  );
  return section(
    'metrics',
    'Metrics',
    `<div class="charts">${charts.join('')}</div>` +
      table(['release', ...names, 'environments'], rows, 'metrics-table', 'Metrics by release (the numbers behind the charts)'),
  );
}

function environmentsSection(model: ReportModel): string {
  if (model.environments.length === 0) return section('environments', 'Environments', '<p>No environment yet (<code>nx run &lt;resource&gt;:promote --env production --version v1.0.0</code>).</p>');
  return section('environments', 'Environments', model.environments.map(environmentBlock).join(''));
}

function environmentBlock(env: ReportEnvironment): string {
  const total = Object.values(env.current.weights).reduce((a, b) => a + b, 0);
  const split = Object.entries(env.current.weights)
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([version, weight]) => {
      const percent = total ? (weight * 100) / total : 0;
      return (
        `<li><span class="split-label">${escapeHtml(version)}</span> <span class="bar" aria-hidden="true"><span style="width:${percent.toFixed(1)}%"></span></span>` +
        ` <span class="split-value">${percent.toFixed(1)}%</span></li>`
      );
    });
  const history = env.history.map((entry, i) => {
    const before = i > 0 ? splitText(env.history[i - 1].weights) : '—';
    return (
      `<tr><td><time datetime="${escapeHtml(entry.time)}">${escapeHtml(entry.time.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}</time></td>` +
      `<td>${escapeHtml(entry.who)}</td><td>${escapeHtml(before)}</td><td>${escapeHtml(splitText(entry.weights))}</td>` +
      `<td class="num">${entry.replicas}</td><td class="text">${escapeHtml(entry.reason)}</td></tr>`
    );
  });
  return (
    `<article class="environment" data-env="${escapeHtml(env.name)}"><h3>${escapeHtml(env.name)}</h3>` +
    `<p>Current split, ${countOf(env.current.replicas, 'replica')} per version:</p><ul class="split">${split.join('')}</ul>` +
    table(['when', 'who', 'from', 'to', 'replicas', 'reason'], history, `history-${escapeHtml(env.name)}`, `History of ${escapeHtml(env.name)}, oldest first`) +
    '</article>'
  );
}

function compareSection(model: ReportModel): string {
  const options = [...model.versions].reverse().map((v) => `<option value="${escapeHtml(v.tag)}">${escapeHtml(v.tag)}</option>`);
  return section(
    'compare',
    'Compare',
    '<form class="compare-form" onsubmit="return false"><label>From <select id="compare-from">' +
      options.join('') +
      '</select></label> <label>To <select id="compare-to">' +
      options.join('') +
      '</select></label></form><div id="compare-result" aria-live="polite"><p>Choose two versions.</p></div>',
  );
}

function section(id: string, heading: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${heading}</h2>${body}</section>`;
}

function table(headers: string[], rows: string[], id: string, caption: string): string {
  return (
    `<div class="table-wrap" tabindex="0" role="region" aria-label="${escapeHtml(caption)}"><table id="${id}"><caption>${escapeHtml(caption)}</caption>` +
    `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`
  );
}


function isRelease(v: ReportVersion): boolean {
  return v.version !== null;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
