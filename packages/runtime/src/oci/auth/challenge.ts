/** One challenge of a `WWW-Authenticate` header, scheme lower-cased, parameter names lower-cased. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate` (RFC 7235): one or more challenges, each a scheme followed by
 * comma-separated `name=value` or `name="quoted, value"` parameters.
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let i = 0;
  const skip = (chars: string) => {
    while (i < header.length && chars.includes(header[i])) i++;
  };
  const token = () => {
    const start = i;
    while (i < header.length && !' \t,="'.includes(header[i])) i++;
    return header.slice(start, i);
  };
  while (i < header.length) {
    skip(' \t,');
    const scheme = token();
    if (!scheme) break;
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    for (;;) {
      skip(' \t,');
      const mark = i;
      const name = token();
      skip(' \t');
      if (!name || header[i] !== '=') {
        i = mark; // not a parameter: the next challenge's scheme
        break;
      }
      i++;
      skip(' \t');
      challenge.params[name.toLowerCase()] = header[i] === '"' ? quoted() : token();
    }
  }
  return challenges;

  function quoted(): string {
    let value = '';
    for (i++; i < header.length && header[i] !== '"'; i++) {
      if (header[i] === '\\' && i + 1 < header.length) i++;
      value += header[i];
    }
    i++;
    return value;
  }
}

/** `repository:<name>:<actions>` as registries' token services expect it. */
export function repositoryScope(name: string, actions: string[]): string {
  return `repository:${name}:${actions.join(',')}`;
}

/**
 * Merges scopes for the same resource into one (`pull` + `push` → `pull,push`), sorted, so
 * that equal needs give equal token-cache keys; `*` absorbs the other actions.
 */
export function mergeScopes(scopes: string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  for (const scope of scopes.flatMap((s) => s.split(' ')).filter(Boolean)) {
    const first = scope.indexOf(':');
    const last = scope.lastIndexOf(':');
    if (first < 0 || first === last) {
      opaque.add(scope);
      continue;
    }
    const resource = scope.slice(0, last);
    const actions = byResource.get(resource) ?? new Set<string>();
    for (const action of scope.slice(last + 1).split(',').filter(Boolean)) actions.add(action);
    byResource.set(resource, actions);
  }
  const merged = [...byResource].map(([resource, actions]) => {
    const list = actions.has('*') ? ['*'] : [...actions].sort();
    return `${resource}:${list.join(',')}`;
  });
  return [...merged, ...opaque].sort();
}
