// SPEC §10 endpoints: serve an environment's split of releases over SPEC §8's protocol.
export { startEndpoint, type Endpoint, type EndpointInput } from './endpoint';
export { parseEndpointRef, type EndpointRef } from './endpoint-ref';
export { fetchEndpointStatus, formatEndpointStatus } from './endpoint-status';
export type { EndpointStatus, VersionStatus } from './routing';
