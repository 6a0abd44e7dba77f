export { RemoteRepository, nextLink, type RemoteRepositoryOptions } from './repository';
export { nodeTransport, withRedirects, type HttpRequest, type HttpResponse, type RequestBody, type Transport } from './transport';
