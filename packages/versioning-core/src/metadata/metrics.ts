import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

/** What a `metricsFile` says about a version: its numbers are metrics, its strings labels. */
export interface MetricsAndLabels {
  metrics: Record<string, number>;
  labels: Record<string, string>;
}

export const NO_METRICS: MetricsAndLabels = { metrics: {}, labels: {} };

/**
 * Reads `metricsFile` (a path relative to the project root). Anything but a flat object of
 * numbers and strings is refused: a nested object or a boolean has no column in `versions
 * --metrics` nor a difference in `compare`, and silently dropping it would hide a typo.
 */
export function readMetricsFile(workspaceRoot: string, projectRoot: string, metricsFile: string | undefined): MetricsAndLabels {
  if (!metricsFile) return NO_METRICS;
  const shown = path.posix.join(projectRoot, metricsFile);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(path.join(workspaceRoot, projectRoot, metricsFile), 'utf8'));
  } catch (err) {
    throw new UserError(`${shown} (metricsFile) cannot be read as JSON: ${(err as Error).message}`);
  }
  return splitMetrics(parsed, shown);
}

/** Numbers to metrics, strings to labels; `source` names the file in the error. */
export function splitMetrics(document: unknown, source: string): MetricsAndLabels {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new UserError(`${source} (metricsFile) must hold one JSON object of numbers (metrics) and strings (labels), not ${kindOf(document)}`);
  }
  const result: MetricsAndLabels = { metrics: {}, labels: {} };
  for (const [key, value] of Object.entries(document)) {
    if (typeof value === 'number') {
      // JSON has no Infinity, but 1e400 parses to it: stored, it would turn into null and vanish.
      if (!Number.isFinite(value)) throw new UserError(`${source} (metricsFile): "${key}" is ${value}; metrics must be finite numbers`);
      result.metrics[key] = value;
    } else if (typeof value === 'string') result.labels[key] = value;
    else throw new UserError(`${source} (metricsFile): "${key}" is ${kindOf(value)}; values must be numbers (metrics) or strings (labels)`);
  }
  return result;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
