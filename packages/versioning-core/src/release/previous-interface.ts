import { UserError } from '../errors';
import { diffInterfaces, INTERFACE_FORMAT, type InterfaceDescriptor, type InterfaceDiff } from '../interface';
import type { Repository } from '../oci';
import type { PreviousRelease } from './previous-release';

/**
 * The diff from the previous release's interface (from its config blob: one fetch, only when the
 * client hashes differ) to the current one. null when that config records no interface, as
 * artifacts stored before interfaces were recorded do. A registry that fails to hand the blob
 * over is an error, not a fallback: a wrongly guessed major would be published for good.
 */
export async function interfaceDiffSince(
  repo: Repository,
  previous: PreviousRelease,
  current: { clientHash: string; interface: InterfaceDescriptor },
): Promise<InterfaceDiff | null> {
  if (previous.entry.clientHash === current.clientHash) return { bump: 'none', changes: [] };
  let config: Buffer;
  try {
    config = await repo.fetchBlob(previous.entry.configDigest);
  } catch (err) {
    throw new UserError(
      `cannot read the config of ${previous.entry.tag} from ${repo.reference} (${(err as Error).message}): its interface decides the next version; retry, or pass --forceMajor`,
    );
  }
  const recorded = recordedInterface(config);
  return recorded ? diffInterfaces(recorded, current.interface) : null;
}

function recordedInterface(config: Buffer): InterfaceDescriptor | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(config.toString('utf8'));
  } catch {
    return undefined;
  }
  const descriptor = (parsed as { interface?: unknown } | null)?.interface;
  return isDescriptor(descriptor) ? descriptor : undefined;
}

/** Enough shape to diff; a descriptor of another format is diffed as incomparable (major). */
function isDescriptor(value: unknown): value is InterfaceDescriptor {
  const d = value as Partial<InterfaceDescriptor> | null | undefined;
  if (typeof d !== 'object' || d === null || typeof d.formatVersion !== 'number') return false;
  if (d.formatVersion !== INTERFACE_FORMAT) return true;
  return (
    typeof d.className === 'string' &&
    [d.typeParameters, d.constructors, d.methods, d.staticMethods, d.types].every(Array.isArray) &&
    (d.extends === null || typeof d.extends === 'string')
  );
}
