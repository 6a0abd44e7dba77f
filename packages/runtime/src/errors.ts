/**
 * A failure caused by the user's input or environment (bad version, unreachable registry,
 * invalid resource.json). Front ends print its message as one line and exit non-zero,
 * without a stack trace; any other error is a bug and keeps its stack.
 */
export class UserError extends Error {
  override name = 'UserError';
}
