import { UserError } from '../errors';

/** `--port` as typed: 0 to 65535 (0 = any free port). */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UserError(`invalid --port "${text}": expected a number from 0 to 65535 (0 = any free port)`);
  return port;
}
