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
  const proxy = proxyFor(url);
  if (!proxy) return undefined;
  let agent = proxyAgents.get(proxy.href);
  if (!agent) {
    // Loaded only when a proxy applies: with its dependencies it is a dozen modules every task would load.
    const { HttpsProxyAgent } = require('https-proxy-agent') as typeof import('https-proxy-agent');
    agent = new HttpsProxyAgent(proxy, { keepAlive: true, maxSockets: 16 });
    proxyAgents.set(proxy.href, agent);
  }
  return agent;
}

/** The proxy requests for `url` go through, or undefined. */
export function proxyFor(url: URL): URL | undefined {
  const proxy = getProxyForUrl(url.href);
  return proxy ? validProxyUrl(withHttpByDefault(proxy, url)) : undefined;
}

/** What errors say of the proxy requests for `url` go through; undefined for none. */
export interface ProxyInUse {
  /** `proxy 10.0.0.1:3128 (HTTPS_PROXY)`: never its credentials. */
  label: string;
  host: string;
  variable: 'HTTPS_PROXY' | 'HTTP_PROXY';
  hasCredentials: boolean;
}

export function proxyInUse(url: URL): ProxyInUse | undefined {
  const proxy = proxyFor(url);
  if (!proxy) return undefined;
  const variable = url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  return { label: `proxy ${proxy.host} (${variable})`, host: proxy.host, variable, hasCredentials: !!proxy.username };
}

/**
 * curl, Go and docker take a proxy given without a scheme (`HTTPS_PROXY=proxy:3128`) as http://;
 * proxy-from-env gives it the scheme of the request, which would speak TLS to a plain proxy.
 */
function withHttpByDefault(proxy: string, url: URL): string {
  const scheme = url.protocol.replace(/:$/, '');
  const given = [`${scheme}_proxy`, 'all_proxy'].map((key) => process.env[key] || process.env[key.toUpperCase()]).find(Boolean);
  return given && !given.includes('://') ? `http://${given}` : proxy;
}

/** The proxy's URL, parsed; one line without its credentials when it is no URL (node's error would print it whole). */
function validProxyUrl(proxy: string): URL {
  try {
    return new URL(proxy);
  } catch {
    throw new UserError(`invalid proxy URL "${redactCredentials(proxy)}" in HTTPS_PROXY/HTTP_PROXY: expected http://[user:password@]host:port`);
  }
}
