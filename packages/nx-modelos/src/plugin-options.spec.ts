import { UserError } from '@modelos/versioning-core/errors';
import { readPluginOptions, validatePluginOptions } from './plugin-options';

describe('validatePluginOptions (the @modelos/nx entry of nx.json)', () => {
  it('takes the options the docs list, and none at all', () => {
    const options = { registry: 'oci://ghcr.io/acme/ml', insecure: false, mainBranch: 'release/2026', npmScope: '@acme', npmRegistry: 'https://npm.pkg.github.com/', storeTargetName: 'modelos-store' };
    expect(validatePluginOptions(options)).toEqual(options);
    expect(validatePluginOptions(undefined)).toEqual({});
    expect(readPluginOptions({ plugins: ['@modelos/nx'] })).toEqual({});
  });

  it.each([
    [{ registy: 'oci://x/y' }, 'nx.json: the options of @modelos/nx have no "registy" (options: registry, insecure, mainBranch, npmScope, npmRegistry and <target>TargetName'],
    [{ registry: 123 }, 'nx.json: the options of @modelos/nx: "registry" must be a non-empty string, not 123'],
    [{ npmRegistry: '' }, '"npmRegistry" must be a non-empty string, not ""'],
    [{ insecure: 'yes' }, '"insecure" must be true or false, not "yes"'],
    [{ mainBranch: 'feat/..bad' }, '"mainBranch" is "feat/..bad", which git would not take as a branch name'],
    [{ mainBranch: 'my main' }, '"mainBranch" is "my main"'],
    [{ mainBranch: '-main' }, '"mainBranch" is "-main"'],
    [{ mainBranch: 'main.lock' }, '"mainBranch" is "main.lock"'],
    [{ storeTargetName: 'ham:store' }, '"storeTargetName" is "ham:store"; a target name has no spaces or ":"'],
    [['registry'], 'nx.json: the options of @modelos/nx must be an object'],
  ])('refuses %j in one line naming the option', (options, message) => {
    expect(() => validatePluginOptions(options)).toThrow(UserError);
    expect(() => validatePluginOptions(options)).toThrow(message);
  });

  it('is what executors read', () => {
    expect(() => readPluginOptions({ plugins: [{ plugin: '@modelos/nx', options: { mainBranch: 42 } }] })).toThrow('"mainBranch" must be a non-empty string, not 42');
  });
});
