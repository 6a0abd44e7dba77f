import { UserError } from '../errors';
import { assertNpmRegistryUrl } from './npm-registry-url';

describe('assertNpmRegistryUrl', () => {
  it('takes http and https URLs', () => {
    for (const url of ['https://npm.pkg.github.com/', 'http://127.0.0.1:4873', 'https://gitlab.example.com/api/v4/projects/1/packages/npm/']) {
      expect(() => assertNpmRegistryUrl(url)).not.toThrow();
    }
  });

  it.each([
    ['not a url', 'invalid npmRegistry "not a url": expected an http:// or https:// URL'],
    ['registry.npmjs.org', 'invalid npmRegistry "registry.npmjs.org": expected'],
    ['ftp://example.com/', 'ftp: is no npm registry scheme'],
    ['https://me:s3cret@npm.example.com/', 'invalid npmRegistry https://***@npm.example.com/: it holds credentials'],
  ])('refuses %s (npm would publish to npmjs.com instead)', (url, message) => {
    expect(() => assertNpmRegistryUrl(url)).toThrow(UserError);
    expect(() => assertNpmRegistryUrl(url)).toThrow(message);
    if (url.includes('s3cret')) expect(() => assertNpmRegistryUrl(url)).not.toThrow(/s3cret/);
  });
});
