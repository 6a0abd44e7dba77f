// SPEC §8: the server and client npm packages every release publishes as OCI artifacts.
export { buildReleasePackages, packagesIncomplete, publishPackages, type ReleasePackages, type ReleasePackagesInput } from './release-packages';
export { packageArtifact, type BuiltPackage, type PackageArtifactInput } from './package-artifact';
export { defaultNpmScope, npmScopeOf, packageNames, tarballName, type PackageNames } from './npm-name';
export { serverPackageFiles, type BundledClient, type ServerPackageInput } from './server-package';
export { clientPackageFiles, type ClientPackageInput } from './client-package';
export { generateClientSource, CLIENT_RUNTIME_MODULE, type ClientSource } from './client-source';
export { collectClosureSources, type ClosureSources, type ClosureSourcesInput } from './closure-sources';
export { npmTarball, readNpmTarball, type PackageFile } from './npm-tarball';
export type { ServedResource } from './runtime/server-runtime';
