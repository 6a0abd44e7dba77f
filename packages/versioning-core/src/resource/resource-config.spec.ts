import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readResourceConfig } from './resource-config';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'resource-config-'));
  dirs.push(dir);
  return dir;
}

function projectWith(content: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'resource.json'), content);
  return dir;
}

const valid = { formatVersion: '1', entry: 'src/ham.ts', class: 'Ham' };

describe('readResourceConfig', () => {
  it('reads a valid file and defaults requires to {}', () => {
    const dir = projectWith(JSON.stringify({ ...valid, metricsFile: 'metrics.json' }));
    expect(readResourceConfig(dir)).toEqual({ ...valid, metricsFile: 'metrics.json', requires: {} });
  });

  it.each([
    [{ entry: 'src/ham.ts', class: 'Ham' }, /resource\.json: field "formatVersion" is missing/],
    [{ ...valid, formatVersion: '7' }, /field "formatVersion" is "7", .*supported: "1"\. The file was written for a newer @modelos\/nx: upgrade with `nx migrate @modelos\/nx@latest && nx migrate --run-migrations`/],
    [{ ...valid, formatVersion: 'one' }, /field "formatVersion" is "one", .*supported: "1"\. Use one of the supported format versions/],
    [{ ...valid, requires: { eggs: '^1.2', bacon: 'latest' } }, /resource\.json: requires\.bacon: "latest" is not a version spec; accepted: an npm range/],
    [{ ...valid, entry: '../other/ham.ts' }, /field "entry" is "..\/other\/ham.ts", which must be a relative path to a .ts file/],
    [{ ...valid, class: 'not a class' }, /field "class" is "not a class", which must be a TypeScript class name/],
    [{ ...valid, requires: { eggs: 1 } }, /field "requires.eggs" must be string/],
    [{ ...valid, requires: { '../ham': '^1' } }, /resource\.json: requires: "\.\.\/ham" is no resource name: use lowercase components/],
    [{ ...valid, requires: { Ham: '^1' } }, /resource\.json: requires: "Ham" is no resource name/],
    [{ ...valid, colour: 'red' }, /field "colour" is not allowed/],
  ])('names the file and the field for %j', (content, message) => {
    const dir = projectWith(JSON.stringify(content));
    expect(() => readResourceConfig(dir)).toThrow(message);
    expect(() => readResourceConfig(dir)).toThrow(path.join(dir, 'resource.json'));
  });

  it('rejects a file that is not JSON', () => {
    expect(() => readResourceConfig(projectWith('{ nope'))).toThrow(/resource\.json: not valid JSON/);
  });

  it('rejects a missing file', () => {
    expect(() => readResourceConfig(tempDir())).toThrow(/cannot be read/);
  });
});

describe('resource.schema.validate.js', () => {
  it('is compiled from the current resource.schema.json', () => {
    // Fails with the command to run when the schema changed and its validator was not compiled again.
    const tool = path.join(__dirname, '../../../../tools/compile-schemas.js');
    expect(() => execFileSync('node', [tool, '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});
