import type { ReportModel, ReportVersion } from '../report/report-model';

/** A report model of `releases` releases with accuracy rising and latency falling, two adhoc versions and one environment. */
export function sampleReportModel(releases: number): ReportModel {
  const versions: ReportVersion[] = [];
  for (let i = 0; i < releases; i++) {
    const version = `1.${i}.0`;
    versions.push({
      tag: `v${version}`,
      kind: 'release',
      version,
      digest: `sha256:${String(i).padStart(64, '0')}`,
      created: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
      author: i % 2 ? 'Ada <ada@example.com>' : 'Linus <linus@example.com>',
      size: 1000 + i * 10,
      clientHash: i < releases / 2 ? 'a'.repeat(64) : 'b'.repeat(64),
      metrics: { accuracy: Number((0.8 + i * (0.15 / Math.max(1, releases - 1))).toFixed(4)), latency_ms: 50 - i * (20 / Math.max(1, releases - 1)) },
      labels: { experiment: `run-${i}` },
      environments: [],
      files: { ham: [{ path: 'src/ham.ts', size: 100 + i, sha256: String(i).padStart(64, 'f') }, { path: 'model.bin', size: 5000, sha256: 'c'.repeat(64) }] },
    });
  }
  for (let i = 0; i < 2; i++) {
    versions.push({
      tag: `abc123${i}-0000000-bbbbbbb`,
      kind: 'adhoc',
      version: null,
      digest: `sha256:${String(900 + i).padStart(64, '0')}`,
      created: new Date(Date.UTC(2026, 1, 1) + i * 60_000).toISOString(),
      author: 'Ada <ada@example.com>',
      size: 2000,
      clientHash: 'b'.repeat(64),
      metrics: {},
      labels: {},
      environments: [],
      files: {},
    });
  }
  const last = versions[releases - 1].tag;
  const first = versions[0].tag;
  versions[0].environments = ['production'];
  return {
    resource: 'ham',
    repository: '127.0.0.1:5000/ml-project/ham',
    versions,
    environments: [
      {
        name: 'production',
        current: { time: '2026-03-01T10:00:00Z', who: 'ada', reason: 'rollback', weights: { [first]: 100 }, replicas: 2 },
        history: [
          { time: '2026-02-01T10:00:00Z', who: 'ada', reason: 'promote', weights: { [first]: 100 }, replicas: 2 },
          { time: '2026-02-02T10:00:00Z', who: 'linus', reason: 'canary', weights: { [first]: 90, [last]: 10 }, replicas: 2 },
          { time: '2026-03-01T10:00:00Z', who: 'ada', reason: 'rollback', weights: { [first]: 100 }, replicas: 2 },
        ],
      },
    ],
    interfaceChanges: versions.slice(1, releases).flatMap((v, i) =>
      v.clientHash === versions[i].clientHash
        ? []
        : [{ from: versions[i].tag, to: v.tag, bump: 'minor' as const, reason: `interface grew since ${versions[i].tag}: added method slice` }],
    ),
  };
}
