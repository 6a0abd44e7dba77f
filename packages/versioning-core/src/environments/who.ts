import * as os from 'node:os';
import { runGit } from '../git/run';

/**
 * Who makes a change: the git user of the workspace (`Name <email>`), else $USER, else the OS
 * account. Recorded in the environment's history for audit.
 */
export async function whoAmI(workspaceRoot: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (workspaceRoot) {
    const [name, email] = await Promise.all(['user.name', 'user.email'].map((key) => runGit(workspaceRoot, ['config', '--get', key]).catch(() => undefined)));
    const person = [name, email].map((out) => (out?.code === 0 ? out.stdout.trim() : ''));
    if (person[0]) return person[1] ? `${person[0]} <${person[1]}>` : person[0];
  }
  return env.USER || os.userInfo().username;
}
