import { mergeScopes, parseWwwAuthenticate, repositoryScope } from './challenge';

describe('parseWwwAuthenticate', () => {
  it('parses a Bearer challenge with quoted parameters containing commas', () => {
    expect(
      parseWwwAuthenticate(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      ),
    ).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:samalba/my-app:pull,push' },
      },
    ]);
  });

  it('parses Basic, unquoted values, odd spacing and escapes', () => {
    expect(parseWwwAuthenticate('Basic realm="modelos-test"')).toEqual([{ scheme: 'basic', params: { realm: 'modelos-test' } }]);
    expect(parseWwwAuthenticate('BEARER  Realm = https://t.example/token , Service=reg , error="insufficient \\"scope\\""')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://t.example/token', service: 'reg', error: 'insufficient "scope"' } },
    ]);
  });

  it('splits several challenges in one header', () => {
    expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="https://t/token",service="s"')).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 's' } },
    ]);
  });

  it('returns nothing for an empty header', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
  });
});

describe('mergeScopes', () => {
  it('merges actions per repository, sorted, so equal needs give equal cache keys', () => {
    expect(mergeScopes([repositoryScope('ns/ham', ['push']), 'repository:ns/ham:pull', 'repository:ns/ham:pull,push'])).toEqual([
      'repository:ns/ham:pull,push',
    ]);
    expect(mergeScopes(['repository:b:pull', 'repository:a:pull registry:catalog:*', 'repository:a:*'])).toEqual([
      'registry:catalog:*',
      'repository:a:*',
      'repository:b:pull',
    ]);
  });
});
