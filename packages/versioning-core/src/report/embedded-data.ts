import type { ReportFile, ReportModel } from './report-model';

/**
 * The model as the page embeds it: file records are listed once in `fileTable` and versions
 * refer to them by index. Most files are the same from one release to the next, so at hundreds
 * of releases this keeps the page a fraction of the size (assets/report.js unpacks it).
 */
export interface EmbeddedReportData extends Omit<ReportModel, 'versions'> {
  fileTable: Array<[path: string, size: number, sha256: string]>;
  versions: Array<Omit<ReportModel['versions'][number], 'files'> & { files: Record<string, number[]> }>;
}

export function embeddedData(model: ReportModel): EmbeddedReportData {
  const fileTable: EmbeddedReportData['fileTable'] = [];
  const indexOf = new Map<string, number>();
  const refer = (file: ReportFile) => {
    const key = `${file.path}\0${file.size}\0${file.sha256}`;
    let index = indexOf.get(key);
    if (index === undefined) {
      index = fileTable.push([file.path, file.size, file.sha256]) - 1;
      indexOf.set(key, index);
    }
    return index;
  };
  return {
    ...model,
    fileTable,
    versions: model.versions.map((v) => ({ ...v, files: Object.fromEntries(Object.entries(v.files).map(([project, files]) => [project, files.map(refer)])) })),
  };
}
