import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { readMetricsFile, splitMetrics } from './metrics';

describe('splitMetrics', () => {
  it('puts numbers in metrics and strings in labels', () => {
    expect(splitMetrics({ accuracy: 0.92, f1: 0.89, epochs: 12, experiment: 'more-data' }, 'ham/metrics.json')).toEqual({
      metrics: { accuracy: 0.92, f1: 0.89, epochs: 12 },
      labels: { experiment: 'more-data' },
    });
  });

  it.each([
    [{ accuracy: 0.9, tuned: true }, '"tuned" is a boolean'],
    [{ accuracy: null }, '"accuracy" is null'],
    [{ scores: [1, 2] }, '"scores" is an array'],
    [{ nested: { a: 1 } }, '"nested" is an object'],
  ])('refuses %j naming the file and the key', (document, said) => {
    expect(() => splitMetrics(document, 'ham/metrics.json')).toThrow(UserError);
    expect(() => splitMetrics(document, 'ham/metrics.json')).toThrow(
      `ham/metrics.json (metricsFile): ${said}; values must be numbers (metrics) or strings (labels)`,
    );
  });

  it('refuses a number JSON parses to Infinity (it would be stored as null)', () => {
    expect(() => splitMetrics(JSON.parse('{"accuracy": 0.9, "big": 1e400, "small": -1e400}'), 'ham/metrics.json')).toThrow(
      'ham/metrics.json (metricsFile): "big" is Infinity; metrics must be finite numbers',
    );
  });

  it('refuses anything but an object at the top', () => {
    expect(() => splitMetrics([0.9], 'm.json')).toThrow('m.json (metricsFile) must hold one JSON object of numbers (metrics) and strings (labels), not an array');
    expect(() => splitMetrics(0.9, 'm.json')).toThrow('not a number');
  });
});

describe('readMetricsFile', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'metrics-'));
    fs.mkdirSync(path.join(root, 'ham'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the file relative to the project root; no metricsFile means none', () => {
    fs.writeFileSync(path.join(root, 'ham', 'metrics.json'), '{"accuracy": 0.92, "experiment": "more-data"}');
    expect(readMetricsFile(root, 'ham', 'metrics.json')).toEqual({ metrics: { accuracy: 0.92 }, labels: { experiment: 'more-data' } });
    expect(readMetricsFile(root, 'ham', undefined)).toEqual({ metrics: {}, labels: {} });
  });

  it('names the file when it is missing or not JSON', () => {
    expect(() => readMetricsFile(root, 'ham', 'metrics.json')).toThrow(/^ham\/metrics\.json \(metricsFile\) cannot be read as JSON: ENOENT/);
    fs.writeFileSync(path.join(root, 'ham', 'metrics.json'), '{accuracy: 0.92}');
    expect(() => readMetricsFile(root, 'ham', 'metrics.json')).toThrow(/^ham\/metrics\.json \(metricsFile\) cannot be read as JSON: /);
  });
});
