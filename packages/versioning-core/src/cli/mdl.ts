#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { UserError } from '../errors';
import { openRepository, type Repository } from '../oci';
import { formatReleasesTable, listReleases } from '../release/releases';
import { formatVersionsTable, listRepositoryVersions } from '../versions';
import { parseRepositoryArgument } from './repository-argument';

const USAGE = `usage: mdl <command> [options]

commands:
  versions <repo> [--json]   list every tag of a resource repository (tag, kind, digest, created, client hash)
  releases <repo> [--json]   list releases, newest semver first, latest on top

<repo> is oci://host[:port]/<namespace>/<resource>, host[:port]/<namespace>/<resource>
or the path of an OCI image layout such as .modelos/registry/<resource>.`;

async function versions(args: string[]): Promise<void> {
  const { json, repo } = repositoryCommand('versions', args);
  const rows = await listRepositoryVersions(repo);
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatVersionsTable(rows)}\n`);
}

async function releases(args: string[]): Promise<void> {
  const { json, repo } = repositoryCommand('releases', args);
  const rows = await listReleases(repo);
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatReleasesTable(rows)}\n`);
}

function repositoryCommand(command: string, args: string[]): { json: boolean; repo: Repository } {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UserError(`mdl ${command} takes one repository argument: oci://host[:port]/<namespace>/<resource> or a layout path (see mdl --help)`);
  const { registry, name } = parseRepositoryArgument(positionals[0], process.cwd());
  return { json: !!values.json, repo: openRepository(registry, name) };
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { versions, releases };

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const handler = COMMANDS[command];
  if (!handler) throw new UserError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(', ')}`);
  await handler(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // User errors are one line; anything else is a bug and keeps its stack.
  const oneLine = err instanceof UserError || String((err as NodeJS.ErrnoException).code).startsWith('ERR_PARSE_ARGS');
  console.error(oneLine ? `mdl: ${(err as Error).message}` : err);
  process.exitCode = 1;
});
