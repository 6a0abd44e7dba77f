import { spawnSync } from 'node:child_process';

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Added to (or, with undefined values, removed from) the environment of a user's shell. */
  env?: Record<string, string | undefined>;
  /** Return a failed run instead of throwing. */
  allowFailure?: boolean;
}

const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * The environment of a CI shell: no daemon, no Nx Cloud, no colours, no TUI, and nothing that
 * leaks from the Jest process running the suite (its registry choice, its NODE_ENV).
 */
export function shellEnv(extra: RunOptions['env'] = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
  };
  for (const name of ['MODELOS_REGISTRY', 'NODE_ENV', 'JEST_WORKER_ID', 'NX_WORKSPACE_ROOT_PATH']) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export function run(command: string, args: string[], options: RunOptions): RunResult {
  const child = spawnSync(command, args, {
    cwd: options.cwd,
    env: shellEnv(options.env),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  const result = {
    status: child.status ?? 1,
    stdout: child.stdout.replace(ANSI, ''),
    stderr: child.stderr.replace(ANSI, ''),
  };
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status} in ${options.cwd}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}
