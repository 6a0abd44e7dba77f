import type { ClosureFile } from './closure-files';
import { MODEL_FILE_BYTES, modelTest, planLayers } from './layer-plan';

const file = (path: string, size = 10): ClosureFile => ({ path, absPath: `/ws/${path}`, size, executable: false, mtimeMs: 0, ctimeMs: 0 });

describe('planLayers', () => {
  const closure = [
    { name: 'ham', root: 'apps/ham' },
    { name: 'shared', root: 'libs/shared' },
  ];
  const files = new Map([
    ['apps/ham', [file('apps/ham/resource.json'), file('apps/ham/src/ham.ts'), file('apps/ham/weights/a.onnx'), file('apps/ham/weights/b.onnx')]],
    ['libs/shared', [file('libs/shared/big.bin', MODEL_FILE_BYTES + 1), file('libs/shared/index.ts'), file('libs/shared/weights/c.onnx')]],
  ]);

  it('gives each model file (by glob in the resource, or by size anywhere) a layer of its own after its project code', () => {
    const plan = planLayers(closure, files, modelTest('apps/ham', ['weights/*.onnx']));
    expect(plan.map((layer) => (layer.kind === 'code' ? `code ${layer.project}: ${layer.files.map((f) => f.path).join(' ')}` : `model ${layer.project}: ${layer.file.path}`))).toEqual([
      'code ham: apps/ham/resource.json apps/ham/src/ham.ts',
      'model ham: apps/ham/weights/a.onnx',
      'model ham: apps/ham/weights/b.onnx',
      // Globs are the resource's own: another project's small .onnx stays code.
      'code shared: libs/shared/index.ts libs/shared/weights/c.onnx',
      'model shared: libs/shared/big.bin',
    ]);
  });

  it('keeps every small file in the code layer without globs, and a project without files still has its code layer', () => {
    const plan = planLayers([...closure, { name: 'empty', root: 'libs/empty' }], files, modelTest('apps/ham'));
    expect(plan.map((layer) => `${layer.kind} ${layer.project}`)).toEqual(['code ham', 'code shared', 'model shared', 'code empty']);
  });

  it('matches globs at a workspace-root resource too', () => {
    expect(modelTest('.', ['**/*.onnx'])(file('weights/x.onnx'))).toBe(true);
    expect(modelTest('.', ['**/*.onnx'])(file('weights/x.ts'))).toBe(false);
  });
});
