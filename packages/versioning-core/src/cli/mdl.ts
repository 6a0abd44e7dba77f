#!/usr/bin/env node
import * as path from 'node:path';
import { parseArgs } from 'node:util';
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
import { parseRepositoryArgument, parseRepositoryTagArgument } from './repository-argument';
import { endpointCommand } from './endpoint-command';
import { endpointStatusCommand, environmentsCommand, promoteCommand, rollbackCommand, trafficCommand } from './environment-commands';
import { parsePort } from './port';
import { serve as servePackage } from './serve';

const USAGE = `usage: mdl <command> [options]

commands:
  versions <repo> [--json] [--metrics]
                             list every tag of a resource repository (tag, kind, digest, created, client hash;
                             with --metrics a column per metric)
  releases <repo> [--json]   list releases, newest semver first, latest on top
  describe <repo>:<tag> [--json]
                             one version: created, author, size, files per project, metrics, labels, status
  compare <repo> --to <tag> [--from <tag>] [--json]
                             size, metrics, interface and file differences of two versions (from: latest);
                             reads manifests and configs only. The working tree: nx run <resource>:compare
  report <repo> [--out DIR] [--json]
                             write an offline HTML page of the resource to DIR/<resource>/report.html
                             (default DIR: dist/modelos) and DIR/index.html linking every report there
  install <ref> [--json]     pull a client or server package and add it to the nearest npm project
                             under a per-major name (@scope/ham-client-v1, @scope/ham-v1_2_1)
  serve <ref> [--port N] [--host H]
                             run a server package in the foreground (default 127.0.0.1, port 0 = any free)
  environments <repo> [--env E] [--json]
                             each environment and its current split, or the history of one
  promote <repo> --env E --version V [--replicas N] [--reason R] [--gitTag] [--json]
                             all of environment E's traffic to release V
  traffic <repo> --env E --weights v1.0.0=90,v1.1.0=10 [--replicas N] [--reason R] [--gitTag] [--json]
                             split E's traffic across releases of one major
  rollback <repo> --env E [--to V] [--reason R] [--gitTag] [--json]
                             E back to its previous assignment, or to release V
  endpoint <registry>:<resource>@<env> [--port N] [--host H] [--poll-ms MS]
                             serve an environment: replicas of each version, traffic by weight,
                             GET /metrics (Prometheus) and GET /-/status; SIGHUP re-reads the environment
  endpoint-status <url> [--json]
                             the split, replicas, requests, error rate and p50/p99 of a running endpoint

<repo> is oci://host[:port]/<namespace>/<resource>, host[:port]/<namespace>/<resource>
or the path of an OCI image layout such as .modelos/registry/<resource>.
<ref> is <registry>:<resource>-client-v<MAJOR|version> or <registry>:<resource>-pkg-v<version>,
<registry> being host[:port]/<namespace>, oci://host[:port]/<namespace> or a layout directory,
e.g. acme.org/ml-project:ham-client-v1 or .modelos/registry:ham-pkg-v1.2.1.`;

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
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UserError('mdl describe takes one <repo>:<tag> argument, e.g. oci://127.0.0.1:5000/ml-project/ham:v1.1.0 (see mdl --help)');
  const { registry, name, tag } = parseRepositoryTagArgument(positionals[0], process.cwd());
  const description = await describeVersion(openRepository(registry, name), tag);
  process.stdout.write(values.json ? `${JSON.stringify(description, null, 2)}\n` : `${formatDescription(description)}\n`);
}

async function compare(args: string[]): Promise<void> {
  const { json, repo, values } = repositoryCommand('compare', args, { from: { type: 'string' }, to: { type: 'string' } });
  if (typeof values.to !== 'string') {
    throw new UserError('mdl compare needs --to <tag>: comparing with the working tree needs the Nx project graph (nx run <resource>:compare)');
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
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' } }, allowPositionals: true });
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
  const { values, positionals } = parseArgs({
    args,
    options: { port: { type: 'string', default: '0' }, host: { type: 'string', default: '127.0.0.1' } },
    allowPositionals: true,
  });
  const ref = onePackageRef('serve', positionals);
  const port = parsePort(values.port);
  process.exitCode = await servePackage({ ref, port, host: values.host, cwd: process.cwd(), env: process.env });
}

function onePackageRef(command: string, positionals: string[]): string {
  if (positionals.length !== 1) {
    throw new UserError(`mdl ${command} takes one package reference, e.g. acme.org/ml-project:ham-client-v1 or acme.org/ml-project:ham-pkg-v1.2.1 (see mdl --help)`);
  }
  return positionals[0];
}

function repositoryCommand(
  command: string,
  args: string[],
  flags: Record<string, { type: 'boolean' | 'string' }> = {},
): { json: boolean; repo: Repository; name: string; values: Record<string, unknown> } {
  const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean' }, ...flags }, allowPositionals: true });
  if (positionals.length !== 1) throw new UserError(`mdl ${command} takes one repository argument: oci://host[:port]/<namespace>/<resource> or a layout path (see mdl --help)`);
  const { registry, name } = parseRepositoryArgument(positionals[0], process.cwd());
  return { json: !!values.json, repo: openRepository(registry, name), name, values };
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  versions,
  releases,
  describe,
  compare,
  report,
  install,
  serve,
  environments: environmentsCommand,
  promote: promoteCommand,
  traffic: trafficCommand,
  rollback: rollbackCommand,
  endpoint: endpointCommand,
  'endpoint-status': endpointStatusCommand,
};

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
