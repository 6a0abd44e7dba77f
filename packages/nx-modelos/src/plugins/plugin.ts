import type { CreateNodes, CreateNodesContext, CreateNodesResult, ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
// The modules that define what @nx/devkit re-exports, from the `nx` that runs this plugin: every
// plugin gets a worker process of its own, and @nx/devkit's index (or nx's devkit-exports) would
// load Nx's project graph, task runner and generator utilities into it (60 ms of a 70 ms load).
// Same paths in Nx 22 and 23 (Nx 22's @nx/devkit/internal lacks workspaceDataDirectory).
import { hashArray } from 'nx/src/hasher/file-hasher';
import { createNodesFromFiles } from 'nx/src/project-graph/plugins/utils';
import { workspaceDataDirectory } from 'nx/src/utils/cache-directory';
import { readResourceConfig } from '@modelos/versioning-core/resource';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { normalizePluginOptions, validatePluginOptions, type ModelosPluginOptions, type NormalizedPluginOptions } from '../plugin-options';

type ResourceNode = Pick<ProjectConfiguration, 'name' | 'targets' | 'metadata'>;

const RESOURCE_GLOB = '**/resource.json';

/** Every project whose root holds `resource.json` is a resource and gets `store` and `versions`. */
export const createNodes: CreateNodes<ModelosPluginOptions> = [
  RESOURCE_GLOB,
  async (configFiles, options, context) => {
    const normalized = normalizePluginOptions(validatePluginOptions(options));
    // Another version of this plugin may validate resource.json by other rules.
    const validated = new ValidatedContents(join(workspaceDataDirectory, `modelos-${pluginVersion()}-validated.json`));
    try {
      return await createNodesFromFiles(
        (configFile, _options, ctx) => createResourceNode(configFile, normalized, ctx, validated),
        configFiles,
        options,
        context,
      );
    } finally {
      validated.save();
    }
  },
];

/** Nx 22 name of the same tuple. */
export const createNodesV2 = createNodes;

function createResourceNode(
  configFile: string,
  options: NormalizedPluginOptions,
  context: CreateNodesContext,
  validated: ValidatedContents,
): CreateNodesResult {
  const projectRoot = dirname(configFile);
  const rootAbs = join(context.workspaceRoot, projectRoot);
  const key = hashArray([configFile, readFileSync(join(context.workspaceRoot, configFile), 'utf8')]);
  // Throws a UserError naming the file and the field; only valid contents are remembered.
  if (!validated.has(key)) {
    readResourceConfig(rootAbs);
    validated.add(key);
  }
  const node = inferResourceNode(readDeclaredName(rootAbs) ? undefined : basename(rootAbs), options);
  return { projects: { [projectRoot]: { root: projectRoot, ...node } } };
}

/**
 * The resource.json contents (path and text, hashed) found valid, in one small JSON file: the
 * validator and its checks run only for a file that changed. The inferred node is built anew
 * each time (it depends on the options and the declared name alone, and costs microseconds);
 * caching whole nodes made a 3 MB file to parse and write per 1,000 resources. Every
 * resource.json comes through each call, so the file keeps exactly the entries of this call.
 */
class ValidatedContents {
  private readonly previous: Set<string>;
  private readonly current = new Set<string>();

  constructor(private readonly file: string) {
    try {
      this.previous = new Set(JSON.parse(readFileSync(file, 'utf8')) as string[]);
    } catch {
      // Missing or unreadable: validate again.
      this.previous = new Set();
    }
  }

  has(key: string): boolean {
    if (!this.previous.has(key)) return false;
    this.current.add(key);
    return true;
  }

  add(key: string): void {
    this.current.add(key);
  }

  /** Write then rename: a concurrent reader sees a whole file or the previous one. */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify([...this.current]));
    renameSync(temp, this.file);
  }
}

function inferResourceNode(fallbackName: string | undefined, options: NormalizedPluginOptions): ResourceNode {
  const pushing = { dependsOn: [options.packTargetName] };
  const targets: Array<[string, TargetConfiguration]> = [
    [options.packTargetName, packTarget()],
    [options.storeTargetName, registryTarget('store', 'Store an adhoc version of this resource in its OCI registry, tagged <git7>-<dirty7>-<client7>', pushing)],
    [options.versionsTargetName, registryTarget('versions', 'List the versions of this resource in its OCI registry: tag, kind, digest, created, client hash, compatible')],
    [options.releaseTargetName, registryTarget('release', 'Release the next semver version of this resource: major for an interface change, minor for any other change in its closure', pushing)],
    [options.releasesTargetName, registryTarget('releases', 'List the releases of this resource, newest first, latest on top')],
    [options.cleanTargetName, registryTarget('clean', 'Delete the adhoc and branch tags of this resource; never a release, package, latest or env-* tag')],
    [options.describeTargetName, registryTarget('describe', 'Show one version of this resource (--version, default latest): created, author, size, files, metrics, labels, status')],
    [options.compareTargetName, registryTarget('compare', 'Compare two versions of this resource (--from, default latest; --to, default the working tree): size, metrics, interface, files, authors')],
    [options.promoteTargetName, registryTarget('promote', 'Send all of an environment\'s traffic to one release (--env, --version, --replicas)')],
    [options.rollbackTargetName, registryTarget('rollback', 'Put an environment back to its previous assignment, or to --to <version>')],
    [options.trafficTargetName, registryTarget('traffic', 'Split an environment\'s traffic across releases of one major (--weights v1.0.0=90,v1.1.0=10), or --status of its endpoint')],
    [options.environmentsTargetName, registryTarget('environments', 'List the environments of this resource and their current split, or one environment\'s history (--env)')],
    [options.resolveTargetName, registryTarget('resolve', 'Resolve the requirements of this resource to the fewest versions, install their clients and write modelos.lock.json')],
    [options.reportTargetName, registryTarget('report', 'Write an offline HTML page of this resource to dist/modelos/<resource>/report.html: versions, metrics charts, environments, compare')],
  ];
  return {
    ...(fallbackName ? { name: fallbackName } : {}),
    metadata: {
      technologies: ['modelos'],
      targetGroups: { ModelOS: targets.map(([name]) => name) },
    },
    targets: Object.fromEntries(targets),
  };
}

/**
 * Cacheable: pack's bytes depend only on the files of the closure projects (the resource's and
 * its dependencies', Nx's `^`), the npm packages they use (Nx hashes the `npm:` nodes it meets
 * walking the dependencies) and this plugin's version; no registry, no git history, no
 * environment. `store` and `release` check a restored output against the checkout before
 * pushing it.
 */
function packTarget(): TargetConfiguration {
  return {
    executor: '@modelos/nx:pack',
    cache: true,
    inputs: ['{projectRoot}/**/*', '^{projectRoot}/**/*', { externalDependencies: ['@modelos/nx'] }],
    // Its own files only: `report` writes report.html beside them.
    outputs: ['{workspaceRoot}/dist/modelos/{projectName}/pack.json', '{workspaceRoot}/dist/modelos/{projectName}/layers'],
    metadata: { description: 'Build the layers, file lists and interface of this resource into dist/modelos/<resource>/ (cacheable)' },
  };
}

type RegistryExecutor = 'store' | 'versions' | 'release' | 'releases' | 'clean' | 'describe' | 'compare' | 'promote' | 'rollback' | 'traffic' | 'environments' | 'resolve' | 'report';

/**
 * Not cacheable (no `cache: true`, and Nx caches nothing else): every target acts on or reads
 * registry state outside the workspace, which Nx cannot hash. A cache hit would replay "pushed
 * <tag>" for a push that never happened (say after the registry was wiped or `MODELOS_REGISTRY`
 * pointed elsewhere), or show a stale list.
 *
 * Only keys that say something: Nx keeps a source-map entry per key of every inferred target, and
 * sends graph and source maps to each command that asks the daemon. `options: {}`, `cache: false`
 * and per-target `technologies` (the project has them) doubled that payload for 14 targets per
 * resource: 0.2 s per `nx show projects` over 1,000 resources.
 */
function registryTarget(executor: RegistryExecutor, description: string, extra: Partial<TargetConfiguration> = {}): TargetConfiguration {
  return { executor: `@modelos/nx:${executor}`, ...extra, metadata: { description } };
}

/** This package's version: the same relative path from src/plugins and from dist/plugins. */
function pluginVersion(): string {
  return (JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
}

/** The name project.json or package.json gives the project, which then wins over ours. */
function readDeclaredName(rootAbs: string): string | undefined {
  for (const file of ['project.json', 'package.json']) {
    const name = readJsonName(join(rootAbs, file));
    if (name) return name;
  }
  return undefined;
}

function readJsonName(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const name = (JSON.parse(text) as { name?: unknown }).name;
    return typeof name === 'string' && name ? name : undefined;
  } catch {
    // A broken project.json/package.json is reported by Nx's own plugin for that file.
    return undefined;
  }
}
