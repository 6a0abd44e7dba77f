import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The user's modelos cache: `$MODELOS_CACHE_DIR`, else `$XDG_CACHE_HOME/modelos`, else
 * `~/.cache/modelos`. It holds remote state (Ocidex indexes under `ocidex/`, extracted server
 * packages under `packages/`), so it belongs to the user, not to a workspace.
 */
export function modelosCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELOS_CACHE_DIR) return env.MODELOS_CACHE_DIR;
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'modelos');
}
