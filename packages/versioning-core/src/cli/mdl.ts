#!/usr/bin/env node
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { formatTable } from '../format/table';
import { install as installPackage } from '../install/install';
import { compareResourceVersions } from '../metadata/compare';
import { describeVersion } from '../metadata/describe';
import { formatComparison } from '../metadata/format-compare';
import { formatDescription } from '../metadata/format-describe';
import { openRepository, type Repository } from '../oci';
import { formatReportCounts, writeResourceReport } from '../report/write-report';
import { formatReleasesTable, listReleases } from '../release/releases';
import { formatVersionsTable, listRepositoryVersions } from '../versions';
import { asksForHelp, parseCommandArgs } from './command-args';
import { oneRepositoryArgument, parseRepositoryArgument, parseRepositoryTagArgument } from './repository-argument';
import { endpointCommand } from './endpoint-command';
import { endpointStatusCommand, environmentsCommand, promoteCommand, rollbackCommand, trafficCommand } from './environment-commands';
import { parsePort } from './port';
import { serve as servePackage } from './serve';
import { formatCommandUsage, formatUsage, type Command } from './usage';

async function versions(args: string[]): Promise<void> {
  const { json, repo, values } = repositoryCommand('versions', args, { metrics: { type: 'boolean' } });
  const rows = await listRepositoryVersions(repo, { metrics: values.metrics === true });
  await assertStoredIn(repo, rows);
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatVersionsTable(rows)}\n`);
}

async function releases(args: string[]): Promise<void> {
  const { json, repo } = repositoryCommand('releases', args);
  const rows = await listReleases(repo);
  await assertStoredIn(repo, rows);
  process.stdout.write(json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatReleasesTable(rows)}\n`);
}

/** A reference typed by hand that holds no tag at all is far likelier a typo than an empty repository: one line, non-zero. */
async function assertStoredIn(repo: Repository, rows: unknown[]): Promise<void> {
  if (rows.length > 0 || (await repo.listTags()).length > 0) return;
  throw new UserError(`${repo.reference} holds no tags: nothing was stored there, or the reference has a typo (<registry>/<namespace>/<resource>, e.g. oci://ghcr.io/acme/ml-project/ham)`);
}

async function describe(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('describe', args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UserError('describe takes one <repo>:<tag> argument, e.g. oci://127.0.0.1:5000/ml-project/ham:v1.1.0 (see mdl help describe)');
  const { registry, name, tag } = parseRepositoryTagArgument(positionals[0], process.cwd());
  const description = await describeVersion(openRepository(registry, name), tag);
  process.stdout.write(values.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatDescription(description)}\n`);
}

async function compare(args: string[]): Promise<void> {
  const { json, repo, values } = repositoryCommand('compare', args, { from: { type: 'string' }, to: { type: 'string' } });
  if (typeof values.to !== 'string') {
    throw new UserError('compare needs --to <tag>: comparing with the working tree needs the Nx project graph (nx run <resource>:compare)');
  }
  const comparison = await compareResourceVersions(repo, { from: values.from as string | undefined, to: values.to });
  process.stdout.write(json ? `${JSON.stringify(comparison, null, 2)}\n` : `${formatComparison(comparison)}\n`);
}

async function report(args: string[]): Promise<void> {
  const { json, repo, name, values } = repositoryCommand('report', args, { out: { type: 'string' } });
  const outDir = path.resolve(typeof values.out === 'string' ? values.out : 'dist/modelos');
  const result = await writeResourceReport(repo, name, outDir);
  process.stdout.write(json ? `${JSON.stringify(result, null, 2)}\n` : `wrote ${result.file} (${formatReportCounts(result)})\nindex ${result.index}\n`);
}

async function install(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('install', args, { json: { type: 'boolean' } });
  const ref = onePackageRef('install', positionals);
  const result = await installPackage(ref);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const row = [result.name, result.package, result.version, result.digest, `${result.repository}:${result.tag}`];
  process.stdout.write(`${formatTable(['installed', 'package', 'version', 'digest', 'from'], [row])}\n`);
}

async function serve(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('serve', args, { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } });
  const ref = onePackageRef('serve', positionals);
  const port = parsePort(values.port);
  process.exitCode = await servePackage({ ref, port, host: values.host, cwd: process.cwd(), env: process.env });
}

function onePackageRef(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UserError(`${command} takes one package reference, e.g. acme.org/ml-project:ham-client-v1 or acme.org/ml-project:ham-pkg-v1.2.1 (see mdl help ${command})`);
  }
  return positionals[0];
}

function repositoryCommand(
  command: string,
  args: string[],
  flags: Record<string, { type: 'boolean' | 'string' }> = {},
): { json: boolean; repo: Repository; name: string; values: Record<string, unknown> } {
  const { values, positionals } = parseCommandArgs(command, args, { json: { type: 'boolean' }, ...flags });
  const { registry, name } = parseRepositoryArgument(oneRepositoryArgument(command, positionals), process.cwd());
  return { json: !!values.json, repo: openRepository(registry, name), name, values };
}

const COMMANDS: Record<string, Command> = {
  versions: {
    run: versions,
    synopsis: 'versions <repo> [--json] [--metrics]',
    summary: 'list every tag of a resource repository (tag, kind, digest, created, client hash;\nwith --metrics a column per metric)',
  },
  releases: { run: releases, synopsis: 'releases <repo> [--json]', summary: 'list releases, newest semver first, latest on top' },
  describe: {
    run: describe,
    synopsis: 'describe <repo>:<tag> [--json]',
    summary: 'one version: created, author, size, files per project, metrics, labels, status',
  },
  compare: {
    run: compare,
    synopsis: 'compare <repo> --to <tag> [--from <tag>] [--json]',
    summary:
      'size, metrics, interface and file differences of two versions (from: latest);\nreads manifests and configs only. The working tree: nx run <resource>:compare',
  },
  report: {
    run: report,
    synopsis: 'report <repo> [--out DIR] [--json]',
    summary: 'write an offline HTML page of the resource to DIR/<resource>/report.html\n(default DIR: dist/modelos) and DIR/index.html linking every report there',
  },
  install: {
    run: install,
    synopsis: 'install <ref> [--json]',
    summary: 'pull a client or server package and add it to the nearest npm project\nunder a per-major name (@scope/ham-client-v1, @scope/ham-v1_2_1)',
  },
  serve: {
    run: serve,
    synopsis: 'serve <ref> [--port N] [--host H]',
    summary: 'run a server package in the foreground (default 127.0.0.1, port 0 = any free)',
  },
  environments: {
    run: environmentsCommand,
    synopsis: 'environments <repo> [--env E] [--json]',
    summary: 'each environment and its current split, or the history of one',
  },
  promote: {
    run: promoteCommand,
    synopsis: 'promote <repo> --env E --version V [--replicas N] [--reason R] [--gitTag] [--json]',
    summary: "all of environment E's traffic to release V",
  },
  traffic: {
    run: trafficCommand,
    synopsis: 'traffic <repo> --env E --weights v1.0.0=90,v1.1.0=10 [--replicas N] [--reason R] [--gitTag] [--json]',
    summary: "split E's traffic across releases of one major",
  },
  rollback: {
    run: rollbackCommand,
    synopsis: 'rollback <repo> --env E [--to V] [--reason R] [--gitTag] [--json]',
    summary: 'E back to its previous assignment, or to release V',
  },
  endpoint: {
    run: endpointCommand,
    synopsis: 'endpoint <registry>:<resource>@<env> [--port N] [--host H] [--poll-ms MS]',
    summary:
      'serve an environment: replicas of each version, traffic by weight,\nGET /metrics (Prometheus) and GET /-/status; SIGHUP re-reads the environment',
  },
  'endpoint-status': {
    run: endpointStatusCommand,
    synopsis: 'endpoint-status <url> [--json]',
    summary: 'the split, replicas, requests, error rate and p50/p99 of a running endpoint',
  },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h') return print(formatUsage(COMMANDS));
  if (command === '--version') return print(packageVersion());
  if (command === 'help') return print(rest.length === 0 || rest[0] === 'help' ? formatUsage(COMMANDS) : formatCommandUsage(commandNamed(rest[0])));
  if (asksForHelp(rest)) return print(formatCommandUsage(commandNamed(command)));
  await commandNamed(command).run(rest);
}

function commandNamed(name: string): Command {
  if (!Object.hasOwn(COMMANDS, name)) throw new UserError(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}, help`);
  return COMMANDS[name];
}

/** This package's version: package.json sits two levels up from both src/cli and dist/cli. */
function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // User errors are one line; anything else is a bug and keeps its stack.
  console.error(err instanceof UserError ? `mdl: ${err.message}` : err);
  process.exitCode = 1;
});
