import { promote, rollback, traffic, type EnvironmentChangeResult } from '../environments/change';
import { environmentHistory, formatChangeResult, formatEnvironmentsTable, formatHistoryTable, listEnvironments } from '../environments/list';
import { fetchEndpointStatus, formatEndpointStatus } from '../endpoint/endpoint-status';
import { UserError } from '../errors';
import { openRepository } from '../oci';
import { parseCommandArgs } from './command-args';
import { oneRepositoryArgument, parseRepositoryArgument } from './repository-argument';

const CHANGE_OPTIONS = {
  env: { type: 'string' },
  reason: { type: 'string' },
  replicas: { type: 'string' },
  gitTag: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** `mdl environments <repo> [--env NAME] [--json]`: every environment's split, or one environment's history. */
export async function environmentsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('environments', args, { env: { type: 'string' }, json: { type: 'boolean' } });
  const { repo } = repositoryOf('environments', positionals);
  if (values.env) {
    const entries = await environmentHistory(repo, values.env);
    if (entries.length === 0) throw new UserError(`unknown environment "${values.env}": ${repo.reference} has no envlog-${values.env}`);
    return print(values.json, entries, () => formatHistoryTable(entries));
  }
  const rows = await listEnvironments(repo);
  print(values.json, rows, () => formatEnvironmentsTable(rows));
}

/** `mdl promote <repo> --env E --version V [--replicas N] [--reason R] [--gitTag] [--json]`. */
export async function promoteCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('promote', args, { ...CHANGE_OPTIONS, version: { type: 'string' } });
  const result = await promote({ ...changeInput('promote', positionals, values), version: required('promote', 'version', values.version) });
  printChange(values.json, result);
}

/** `mdl rollback <repo> --env E [--to V] [--gitTag] [--json]`. */
export async function rollbackCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('rollback', args, { ...CHANGE_OPTIONS, to: { type: 'string' } });
  printChange(values.json, await rollback({ ...changeInput('rollback', positionals, values), to: values.to }));
}

/** `mdl traffic <repo> --env E --weights v1.0.0=90,v1.1.0=10 [--gitTag] [--json]`. */
export async function trafficCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('traffic', args, { ...CHANGE_OPTIONS, weights: { type: 'string' } });
  printChange(values.json, await traffic({ ...changeInput('traffic', positionals, values), weights: required('traffic', 'weights', values.weights) }));
}

/** `mdl endpoint-status <url> [--json]`. */
export async function endpointStatusCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs('endpoint-status', args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UserError('endpoint-status takes the endpoint URL, e.g. http://127.0.0.1:8080 (see mdl help endpoint-status)');
  const status = await fetchEndpointStatus(positionals[0]);
  print(values.json, status, () => formatEndpointStatus(status));
}

/** `--replicas` as typed: a whole number, else a UserError naming the option. */
export function parseReplicas(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text)) throw new UserError(`invalid --replicas "${text}": expected a whole number from 1 to 64`);
  return Number(text);
}

function changeInput(command: string, positionals: string[], values: { env?: string; reason?: string; replicas?: string; gitTag?: boolean }) {
  const { repo, resource } = repositoryOf(command, positionals);
  const environment = required(command, 'env', values.env);
  return { repo, resource, environment, reason: values.reason, replicas: parseReplicas(values.replicas), gitTag: values.gitTag, workspaceRoot: process.cwd() };
}

function repositoryOf(command: string, positionals: string[]) {
  const { registry, name } = parseRepositoryArgument(oneRepositoryArgument(command, positionals), process.cwd());
  return { repo: openRepository(registry, name), resource: name };
}

function required(command: string, option: string, value: string | undefined): string {
  if (!value) throw new UserError(`${command} needs --${option} (see mdl help ${command})`);
  return value;
}

function printChange(json: boolean | undefined, result: EnvironmentChangeResult): void {
  print(json, result, () => formatChangeResult(result));
}

function print(json: boolean | undefined, document: unknown, table: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(document, null, 2)}\n` : `${table()}\n`);
}
