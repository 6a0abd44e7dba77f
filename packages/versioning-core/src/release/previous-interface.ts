import { UserError } from '../errors';
import { diffInterfaces, type InterfaceDescriptor, type InterfaceDiff } from '../interface';
import { parseRecordedConfig } from '../metadata/recorded-config';
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

/** The interface a config records; undefined when it records none or is no config of ours. */
function recordedInterface(config: Buffer): InterfaceDescriptor | undefined {
  try {
    return parseRecordedConfig(config, 'the previous release').interface ?? undefined;
  } catch (err) {
    if (err instanceof UserError) return undefined;
    throw err;
  }
}
