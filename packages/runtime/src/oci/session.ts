import { AuthState } from './auth/client';

/**
 * What the repositories opened by one run share (an Nx batch: every task of a target in one
 * process): per registry host, the credentials looked up once (a credential helper is a process
 * per lookup) and the auth scheme learnt from the first challenge, so the second repository of
 * a host answers no 401 first under Basic auth. HTTP keep-alive agents are module-level already
 * (node pools sockets per host), and interface summaries are cached by content in memory.
 * Made by the caller for one run, never module-level: unrelated calls, as in tests, share nothing.
 */
export class RegistrySession {
  private readonly hosts = new Map<string, AuthState>();

  authState(host: string): AuthState {
    let state = this.hosts.get(host);
    if (!state) this.hosts.set(host, (state = new AuthState()));
    return state;
  }
}
