import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json';
import type { InterfaceDescriptor } from './descriptor';

/** sha256 (hex) of the descriptor's canonical JSON; its first 7 digits are a tag's `client7`. */
export function clientHash(descriptor: InterfaceDescriptor): string {
  return createHash('sha256').update(canonicalJson(descriptor)).digest('hex');
}
