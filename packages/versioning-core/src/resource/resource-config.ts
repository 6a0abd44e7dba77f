import type { ErrorObject, ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

export const RESOURCE_FILE = 'resource.json';
export const SUPPORTED_FORMAT_VERSIONS = ['1'] as const;

export interface ResourceConfig {
  formatVersion: '1';
  /** Entry file, relative to the project root. */
  entry: string;
  class: string;
  requires: Record<string, string>;
  metricsFile?: string;
  /** Globs (relative to the project root) of model files: one content-addressed layer each. */
  models?: string[];
}

/**
 * resource.schema.json compiled ahead of time (tools/compile-schemas.js): a task validating its
 * resource.json loads no ajv compiler. Loaded on first use: `createNodes` imports this module for
 * every nx command, but validates only on a cache miss.
 */
let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= (require('./resource.schema.validate') as typeof import('./resource.schema.validate')).default;
  return compiled;
}

/** Reads and validates `<projectRoot>/resource.json`; every failure names the file and the field. */
export function readResourceConfig(projectRoot: string): ResourceConfig {
  const file = path.join(projectRoot, RESOURCE_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`${file}: cannot be read; a resource's root must hold ${RESOURCE_FILE}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${file}: not valid JSON (${(err as Error).message})`);
  }
  return parseResourceConfig(data, file);
}

export function parseResourceConfig(data: unknown, file: string): ResourceConfig {
  const formatVersion = (data as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof formatVersion === 'string' && !(SUPPORTED_FORMAT_VERSIONS as readonly string[]).includes(formatVersion)) {
    throw new UserError(
      `${file}: field "formatVersion" is "${formatVersion}", which this version of @modelos/nx does not know; supported: ${supportedRange()}. ` +
        (isNewer(formatVersion)
          ? 'The file was written for a newer @modelos/nx: upgrade with `nx migrate @modelos/nx@latest && nx migrate --run-migrations`'
          : 'Use one of the supported format versions'),
    );
  }
  const validate = validator();
  if (!validate(data)) throw new UserError(`${file}: ${describe(validate.errors![0])}`);
  const config = data as Omit<ResourceConfig, 'requires'> & { requires?: Record<string, string> };
  const requires = config.requires ?? {};
  if (Object.keys(requires).length > 0) assertSpecs(requires, file);
  return { ...config, requires };
}

/** The spec parser brings semver: loaded only for a resource that requires others. Names and specs fail here, naming the file, rather than at the first resolve. */
function assertSpecs(requires: Record<string, string>, file: string): void {
  const { assertRequirementName, parseSpec } = require('@modelos/runtime/requirements-spec') as typeof import('@modelos/runtime/requirements-spec');
  for (const [name, spec] of Object.entries(requires)) {
    assertRequirementName(name, `${file}: requires`);
    parseSpec(spec, `${file}: requires.${name}`);
  }
}

function supportedRange(): string {
  const [first, last] = [SUPPORTED_FORMAT_VERSIONS[0], SUPPORTED_FORMAT_VERSIONS[SUPPORTED_FORMAT_VERSIONS.length - 1]];
  return first === last ? `"${first}"` : `"${first}" to "${last}"`;
}

function isNewer(formatVersion: string): boolean {
  const newest = Number(SUPPORTED_FORMAT_VERSIONS[SUPPORTED_FORMAT_VERSIONS.length - 1]);
  return /^[0-9]+$/.test(formatVersion) && Number(formatVersion) > newest;
}

function describe(error: ErrorObject): string {
  const field = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  switch (error.keyword) {
    case 'required':
      return `field "${error.params.missingProperty}" is missing (required: formatVersion, entry, class)`;
    case 'additionalProperties':
      return `field "${error.params.additionalProperty}" is not allowed (allowed: formatVersion, entry, class, requires, metricsFile, models)`;
    case 'pattern':
      return `field "${field}" is ${JSON.stringify(error.data)}, ${PATTERN_RULES[field.split('.')[0]] ?? `which must match ${error.params.pattern}`}`;
    default:
      return `field "${field || '(root)'}" ${error.message}`;
  }
}

const PATTERN_RULES: Record<string, string> = {
  entry: 'which must be a relative path to a .ts file inside the project',
  class: 'which must be a TypeScript class name',
  metricsFile: 'which must be a relative path to a .json file inside the project',
};
