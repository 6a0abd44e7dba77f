import { UserError } from '../errors';

/** The OCI Distribution tag rule; every tag this system writes obeys it. */
export const OCI_TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export const MAX_TAG_LENGTH = 128;

export function isValidTag(tag: string): boolean {
  return OCI_TAG_PATTERN.test(tag);
}

/** Throws a UserError unless `tag` obeys the OCI tag rule. */
export function assertTag(tag: string): void {
  if (!isValidTag(tag)) {
    throw new UserError(`invalid tag "${tag}": tags match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}`);
  }
}
