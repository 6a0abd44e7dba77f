import { UserError } from '../errors';

/**
 * npm takes any `--registry` text and, when it is no URL, only warns and publishes to its
 * default registry (npmjs.com): a typo would make private packages public. So it is refused
 * here, before the release writes anything. Credentials belong in .npmrc, never in the URL
 * (it is printed in progress and errors).
 */
export function assertNpmRegistryUrl(text: string): void {
  const rule = 'expected an http:// or https:// URL such as https://npm.pkg.github.com/ (credentials go in .npmrc)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`invalid npmRegistry ${JSON.stringify(text)}: ${rule}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`invalid npmRegistry ${JSON.stringify(text)}: ${url.protocol} is no npm registry scheme; ${rule}`);
  if (url.username || url.password) throw new UserError(`invalid npmRegistry ${url.protocol}//***@${url.host}${url.pathname}: it holds credentials; ${rule}`);
}
