export { AuthClient, AuthState } from './client';
export { parseWwwAuthenticate, mergeScopes, repositoryScope, type Challenge } from './challenge';
export { resolveCredentials, dockerConfigPath, type Credentials } from './credentials';
