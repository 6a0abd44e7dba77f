import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../errors';
import { LayerCache } from './layer-cache';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layer-cache-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const blob = { digest: `sha256:${'a'.repeat(64)}`, size: 3 };

describe('LayerCache', () => {
  it('remembers a layer by key', () => {
    const cache = new LayerCache(path.join(tmp, 'layers'));
    expect(cache.get('k')).toBeUndefined();
    cache.set('k', blob);
    expect(new LayerCache(path.join(tmp, 'layers')).get('k')).toEqual(blob);
  });

  it('refuses a cache directory under a regular file with one line naming it', () => {
    fs.writeFileSync(path.join(tmp, '.modelos'), '');
    const dir = path.join(tmp, '.modelos', 'cache', 'layers');
    const cache = new LayerCache(dir);
    expect(cache.get('k')).toBeUndefined();
    expect(() => cache.set('k', blob)).toThrow(UserError);
    expect(() => cache.set('k', blob)).toThrow(`cannot write layer cache directory ${dir}: ENOTDIR: not a directory, mkdir '${dir}'`);
  });
});
