import { spawn } from 'node:child_process';
import { UserError } from '../errors';

export interface NpmRun {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** What the run is for, e.g. "installing @ml-project/ham-client-v1": the start of any error. */
  what: string;
}

const KEPT_OUTPUT = 64 * 1024;

/** Runs npm with its output captured and resolves with its stdout; a failure is one line with npm's own error lines. */
export function runNpm(args: string[], run: NpmRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const stdout: Buffer[] = [];
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      keep(chunk);
    });
    child.stderr.on('data', keep);
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'ENOENT' ? new UserError(`${run.what} needs npm, which is not on PATH`) : err);
    });
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      reject(new UserError(`${run.what} failed: npm ${args[0]} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}: ${npmErrors(output)}`));
    });
  });
}

/** npm's `npm error …` lines (`npm ERR!` before npm 10), else the last lines of its output. */
function npmErrors(output: string): string {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /^npm (error|ERR!)/.test(line)).map((line) => line.replace(/^npm (error|ERR!)\s*/, ''));
  const chosen = (errors.length ? errors : lines).filter(Boolean).slice(0, 4);
  return chosen.join(' | ').slice(0, 600) || 'no output';
}
