// @modelos/runtime: what a generated client needs at run time, and what the engine shares with it.
// Node built-ins, semver and a proxy agent only, so that a client installs without TypeScript, ts-morph or ajv.
//   @modelos/runtime/client  the client runtime generated clients load (light: http only until a local server starts)
//   @modelos/runtime/oci     the OCI client (remote registry, image layout, auth, retry)
//   @modelos/runtime/tags    SPEC §4 tag and version rules
//   @modelos/runtime/errors  UserError
export { UserError } from './errors';
export { fileSystemRefusal } from './fs-refusal';
export { modelosCacheDir } from './cache-dir';
export type { ClientSpec, ServerInfo } from './client/client-runtime';
export { RemoteError } from './client/client-runtime';
export { runNpm, type NpmRun } from './packages/npm';
export {
  downloadTarball,
  resolvePackage,
  unknownResource,
  type PackageArtifact,
  type PackageConfig,
  type PackageKind,
} from './packages/pull-package';
export { extractNpmTarball } from './local-server/npm-tarball-extract';
export {
  packageCacheDir,
  prepareServerPackage,
  serverArgs,
  SERVER_ENTRY,
  type ServerPackage,
  type ServerPackageInput,
} from './local-server/server-package';
export {
  newestServerVersion,
  serverVersionFor,
  spawnServer,
  startLocalServer,
  stopChild,
  type LocalServer,
  type LocalServerInput,
} from './local-server/local-server';
export { parseSpec, satisfiesSpec, SPEC_FORMS, type RequirementSpec } from './requirements/spec';
export {
  findLock,
  LOCK_FILE,
  LOCK_FORMAT,
  lockedVersion,
  readLock,
  type Lock,
  type LockedVersion,
  type ReleaseDigests,
} from './requirements/lock-file';
