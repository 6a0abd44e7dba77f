import { escapeHtml } from './html';

export interface ChartPoint {
  /** x label: the version, in semver order. */
  label: string;
  value: number;
  /** Environments pointing at this version now: marked on the chart. */
  environments: string[];
}

const WIDTH = 720;
const HEIGHT = 260;
const PAD = { left: 64, right: 16, top: 28, bottom: 48 };
/** Past this many versions, x labels are thinned so that they stay readable. */
const MAX_X_LABELS = 12;

/**
 * One metric over releases as an inline SVG line chart. Written by hand rather than with a
 * charting library: the page must be one offline file with byte-identical output for the same
 * data, and a line with points, axes and markers is ~80 lines of SVG, where the smallest
 * maintained libraries add 50–200 KB of script and render at view time, not at generation time.
 */
export function metricChart(metric: string, points: ChartPoint[], titleId: string): string {
  const values = points.map((p) => p.value);
  const [low, high] = paddedRange(Math.min(...values), Math.max(...values));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (points.length === 1 ? plotW / 2 : (i * plotW) / (points.length - 1));
  const y = (v: number) => PAD.top + plotH - ((v - low) / (high - low)) * plotH;

  const yTicks = [0, 1, 2, 3, 4].map((k) => low + ((high - low) * k) / 4);
  const step = Math.max(1, Math.ceil(points.length / MAX_X_LABELS));
  const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fmt(x(i))},${fmt(y(p.value))}`).join(' ');

  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${titleId}" preserveAspectRatio="xMidYMid meet">`,
    ...yTicks.map(
      (t) =>
        `<line class="grid" x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}"/>` +
        `<text class="tick" x="${PAD.left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${escapeHtml(formatNumber(t))}</text>`,
    ),
    ...points.flatMap((p, i) =>
      i % step === 0 || i === points.length - 1
        ? [`<text class="tick" x="${fmt(x(i))}" y="${HEIGHT - PAD.bottom + 16}" text-anchor="middle">${escapeHtml(p.label)}</text>`]
        : [],
    ),
    `<path class="line" d="${path}"/>`,
    ...points.map((p, i) => {
      const title = `${p.label}: ${metric} ${formatNumber(p.value)}${p.environments.length ? ` (${p.environments.join(', ')})` : ''}`;
      const marked = p.environments.length > 0;
      return (
        `<circle class="${marked ? 'point env' : 'point'}" cx="${fmt(x(i))}" cy="${fmt(y(p.value))}" r="${marked ? 6 : 3}"><title>${escapeHtml(title)}</title></circle>` +
        (marked
          ? `<text class="env-label" x="${fmt(x(i))}" y="${fmt(y(p.value) - 10)}" text-anchor="${labelAnchor(x(i))}">${escapeHtml(p.environments.join(', '))}</text>`
          : '')
      );
    }),
    `<text class="axis" x="${PAD.left}" y="${HEIGHT - 8}">version →</text>`,
    '</svg>',
  ].join('');
}

/** A label centred on a point near either edge would be cut off by the chart's box: it grows inwards there. */
function labelAnchor(x: number): 'start' | 'middle' | 'end' {
  if (x < WIDTH / 3) return 'start';
  return x > (WIDTH * 2) / 3 ? 'end' : 'middle';
}

/** A range with some air around the data; a flat series gets a band around its value. */
function paddedRange(min: number, max: number): [number, number] {
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    return [min - pad, max + pad];
  }
  const pad = (max - min) * 0.08;
  return [min - pad, max + pad];
}

/** Fixed decimals: the same data gives the same bytes on every machine. */
function fmt(n: number): string {
  return n.toFixed(1);
}

export function formatNumber(n: number): string {
  const abs = Math.abs(n);
  return String(Number(abs >= 100 ? n.toFixed(1) : abs >= 1 ? n.toFixed(3) : n.toPrecision(3)));
}
