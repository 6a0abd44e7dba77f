import type * as http from 'node:http';
import { getProxyForUrl } from 'proxy-from-env';
import { UserError } from '../../errors';
import { redactCredentials } from '../reference';

const proxyAgents = new Map<string, http.Agent>();

/**
 * The agent that tunnels requests for `url` through `HTTPS_PROXY`/`HTTP_PROXY` (with `CONNECT`,
 * so TLS stays end to end and the proxy never sees credentials), or undefined when no proxy
 * applies (`NO_PROXY`, or none set). Read from the process environment, as curl and docker do.
 */
export function proxyAgentFor(url: URL): http.Agent | undefined {
  const proxy = getProxyForUrl(url.href);
  if (!proxy) return undefined;
  let agent = proxyAgents.get(proxy);
  if (!agent) {
    // Loaded only when a proxy applies: with its dependencies it is a dozen modules every task would load.
    const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
    agent = new HttpsProxyAgent(validProxyUrl(proxy), { keepAlive: true, maxSockets: 16 });
    proxyAgents.set(proxy, agent);
  }
  return agent;
}

/** The proxy's URL, parsed; one line without its credentials when it is no URL (node's error would print it whole). */
function validProxyUrl(proxy: string): URL {
  try {
    return new URL(proxy);
  } catch {
    throw new UserError(`invalid proxy URL "${redactCredentials(proxy)}" in HTTPS_PROXY/HTTP_PROXY: expected http://[user:password@]host:port`);
  }
}
