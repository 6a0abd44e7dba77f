/** The `dirty7` of a closure without uncommitted changes. */
export const CLEAN_DIRTY7 = '0000000';

const HEX7 = /^[0-9a-f]{7}$/;

/** First 7 hex digits of a hash (git commit, sha256), as used in adhoc and branch tags. */
export function short7(hex: string): string {
  const head = hex.slice(0, 7).toLowerCase();
  if (!HEX7.test(head)) throw new Error(`short7: expected at least 7 hex digits, got "${hex}"`);
  return head;
}

export function isHex7(text: string): boolean {
  return HEX7.test(text);
}

/** Tag builders take the parts already shortened; a wrong part is a bug, not user input. */
export function assertHex7(part: string, role: string): void {
  if (!HEX7.test(part)) throw new Error(`${role} must be 7 lowercase hex digits, got "${part}"`);
}
