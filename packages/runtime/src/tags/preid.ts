import { UserError } from '../errors';

/** Prerelease lines `release --preid` accepts: `v2.0.0-rc.1`, `v2.0.0-rc.2`, … */
export const PREIDS = ['alpha', 'beta', 'rc'] as const;
export type Preid = (typeof PREIDS)[number];

export function isPreid(text: string): text is Preid {
  return (PREIDS as readonly string[]).includes(text);
}

export function parsePreid(text: string): Preid {
  if (!isPreid(text)) throw new UserError(`invalid preid "${text}": expected one of ${PREIDS.join(', ')}`);
  return text;
}
