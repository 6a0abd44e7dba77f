import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from './run';

export const REPO_ROOT = resolve(__dirname, '../..');
const PACKAGES = ['packages/runtime', 'packages/versioning-core', 'packages/nx-modelos'];

/**
 * Builds the repository and publishes our packages, packed as npm would pack them for
 * the public registry, to the local registry at `registryUrl`.
 */
export function publishModelosPackages(registryUrl: string, workDir: string): void {
  run('npm', ['run', 'build'], { cwd: REPO_ROOT });
  // npm refuses to publish without a token; Verdaccio lets anyone publish @modelos/*.
  const npmrc = join(workDir, 'publish.npmrc');
  writeFileSync(npmrc, `//${new URL(registryUrl).host}/:_authToken=e2e-throwaway-token\n`);
  for (const pkg of PACKAGES) {
    const packed = run('npm', ['pack', '--json', '--pack-destination', workDir], { cwd: join(REPO_ROOT, pkg) });
    const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
    run('npm', ['publish', join(workDir, filename), '--registry', registryUrl, '--userconfig', npmrc], { cwd: workDir });
  }
}
