import { logger } from '@nx/devkit';
import { UserError } from '@modelos/versioning-core';

/**
 * Runs an executor body. A UserError is the user's to fix: one line, no stack, failed task.
 * Anything else is a bug and keeps its stack for the report.
 */
export async function reportUserErrors(run: () => Promise<void>): Promise<{ success: boolean }> {
  try {
    await run();
    return { success: true };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    logger.error(err.message);
    return { success: false };
  }
}
