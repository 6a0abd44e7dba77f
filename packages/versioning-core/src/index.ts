// The public API of @modelos/versioning-core: what the Nx plugin and the mdl CLI build on.
export { UserError } from './errors';
export type { ProjectRef } from './project-ref';
export { extractInterface, type SourceFiles } from './interface';
export { readResourceConfig, RESOURCE_FILE, type ResourceConfig } from './resource/resource-config';
export { resolveRegistry, parseRegistryReference, formatRegistryReference, type RegistryReference } from './oci';
export { batchedGitFacts, perCallGitFacts, type ClosureFactsSource } from './git';
export { storeResource, type StoreInput, type StoreResult } from './store';
export { packResource, type PackInput, type PackResult } from './pack/pack-resource';
export { packDir } from './pack/pack-document';
export { progressMeter, wantsProgress, type ProgressMeter } from './transfer-progress';
export { listVersions, listRepositoryVersions, formatVersionsTable, type VersionRow } from './versions';
export { releaseResource, type ReleaseInput, type ReleaseResult } from './release/release';
export { listReleases, formatReleasesTable, type ReleaseRow } from './release/releases';
export { cleanRepository, formatCleanTable, type CleanResult, type CleanAction } from './clean';
export { openRepository, type Repository } from './oci';
export { install, type InstallOptions, type InstallResult } from './install/install';
export { parsePackageRef, type PackageRef } from './install/package-ref';
export * from './environments';
export * from './endpoint';
export { startLocalServer, newestServerVersion, type LocalServer, type LocalServerInput, type PackageKind } from '@modelos/runtime';
export {
  buildReleasePackages,
  publishPackages,
  serverPackageFiles,
  clientPackageFiles,
  generateClientSource,
  npmTarball,
  defaultNpmScope,
  packageNames,
  type ReleasePackages,
  type ReleasePackagesInput,
  type PackageFile,
  type ServedResource,
} from './packages';
export * from './metadata';
// Both describe and the endpoint have a VersionStatus; the index has always meant describe's.
export type { VersionStatus } from './metadata/describe';
export { readVersionMetadata, type VersionMetadata, type ProjectContent } from './metadata/version-metadata';
export type { FileRecord } from './metadata/file-digests';
export type { ResolvedRequirement } from './metadata/recorded-config';
export type { Author } from './git';
export type { WorkingTree } from './metadata/working-tree';
export { parseSpec, SPEC_FORMS, type RequirementSpec, LOCK_FILE, readLock, findLock, type Lock, type LockedVersion } from '@modelos/runtime';
export { resolveRequirements, RequirementConflict, type ReleaseCatalog, type Resolution, type RootRequirements } from './requirements/resolve';
export { resolveWorkspace, formatResolveSummary, type ResolveWorkspaceInput, type ResolveWorkspaceResult } from './requirements/resolve-workspace';
export { RegistryCatalog } from './requirements/registry-catalog';
export { writeResourceReport, type ReportResult } from './report/write-report';
export type { ReportModel } from './report/report-model';
