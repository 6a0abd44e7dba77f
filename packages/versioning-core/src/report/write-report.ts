import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../canonical-json';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import type { Repository } from '../oci';
import { collectReportModel } from './collect-report-model';
import { renderIndex, type ReportSummary } from './render-index';
import { renderReport } from './render-report';
import type { ReportModel } from './report-model';
import { countOf } from '../format/count';
import { writeFileAtomically } from '../file-io';
import { byCodeUnits } from '../code-unit-order';

export const REPORT_FILE = 'report.html';
const SUMMARY_FILE = 'report.json';
export const INDEX_FILE = 'index.html';

/** What a written report holds, for the line that announces it: `1 version, 0 environments`. */
export function formatReportCounts(result: Pick<ReportResult, 'versions' | 'environments'>): string {
  return `${countOf(result.versions, 'version')}, ${countOf(result.environments, 'environment')}`;
}

export interface ReportResult {
  resource: string;
  repository: string;
  /** Absolute path of the page. */
  file: string;
  /** The index page of every report under the same directory. */
  index: string;
  bytes: number;
  versions: number;
  environments: number;
}

/**
 * `report`: reads the repository, writes `<outDir>/<resource>/report.html`, and rewrites
 * `<outDir>/index.html` from the summaries of every report there, so that running the target
 * over a workspace (`nx run-many -t report`) leaves one index linking them all, whatever order
 * the tasks ran in.
 */
export async function writeResourceReport(repo: Repository, resource: string, outDir: string): Promise<ReportResult> {
  const model = await collectReportModel(repo, resource);
  const html = renderReport(model);
  const dir = path.join(outDir, resource);
  writeReportFile(path.join(dir, REPORT_FILE), html);
  writeReportFile(path.join(dir, SUMMARY_FILE), `${canonicalJson(summarize(model))}\n`);
  const index = path.join(outDir, INDEX_FILE);
  writeReportFile(index, renderIndex(readSummaries(outDir)));
  return {
    resource,
    repository: model.repository,
    file: path.join(dir, REPORT_FILE),
    index,
    bytes: Buffer.byteLength(html),
    versions: model.versions.length,
    environments: model.environments.length,
  };
}

function summarize(model: ReportModel): ReportSummary {
  const releases = model.versions.filter((v) => v.version !== null);
  return {
    resource: model.resource,
    repository: model.repository,
    releases: releases.length,
    newest: releases.length ? releases[releases.length - 1].tag : null,
    environments: model.environments.map((e) => ({ name: e.name, weights: e.current.weights })),
  };
}

function readSummaries(outDir: string): ReportSummary[] {
  return fs
    .readdirSync(outDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) => {
      try {
        return [JSON.parse(fs.readFileSync(path.join(outDir, entry.name, SUMMARY_FILE), 'utf8')) as ReportSummary];
      } catch {
        // Not a report directory (other dist/modelos content), or one being written right now.
        return [];
      }
    })
    .sort((a, b) => byCodeUnits(a.resource, b.resource));
}

/** Temp file and rename: tasks of a batch write the index side by side, and readers never see half a page. */
function writeReportFile(file: string, text: string): void {
  try {
    writeFileAtomically(file, text);
  } catch (err) {
    throw fileSystemRefusal(err, 'write', 'report directory', path.dirname(file));
  }
}
