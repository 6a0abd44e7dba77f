import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { UserError } from '../../errors';

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** `sha256:<hex>` of the bytes. */
export function digestOf(bytes: Buffer): string {
  return new Hasher().update(bytes).digest();
}

/** Digest and size of a file, read as a stream so memory does not grow with the file. */
export function digestFile(path: string): Promise<{ digest: string; size: number }> {
  return digestStream(createReadStream(path));
}

/** Digest and size of a stream's bytes, consumed to its end. */
export async function digestStream(source: NodeJS.ReadableStream): Promise<{ digest: string; size: number }> {
  const hasher = new Hasher();
  for await (const chunk of source) hasher.update(chunk as Buffer);
  return { digest: hasher.digest(), size: hasher.size };
}

export function isDigest(value: string): boolean {
  return SHA256_DIGEST.test(value);
}

/** Throws a UserError unless `value` is a sha256 digest, the only algorithm this client stores. */
export function assertDigest(value: string): void {
  if (!isDigest(value)) {
    throw new UserError(`invalid digest "${value}": expected sha256:<64 lowercase hex digits>`);
  }
}

/** The hex part of a digest, used as the blob's file name in an image layout. */
export function digestHex(digest: string): string {
  assertDigest(digest);
  return digest.slice('sha256:'.length);
}

/** Incremental sha256 with a byte count. */
export class Hasher {
  private readonly hash: Hash = createHash('sha256');
  size = 0;

  update(chunk: Buffer): this {
    this.hash.update(chunk);
    this.size += chunk.length;
    return this;
  }

  digest(): string {
    return `sha256:${this.hash.digest('hex')}`;
  }
}

/** A pass-through stream feeding every chunk to `hasher`: hash while the bytes go elsewhere. */
export function hashingStream(hasher: Hasher): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      callback(null, chunk);
    },
  });
}

/**
 * A pass-through stream that fails instead of ending when the content does not match the
 * expected digest (and size, when given), so a corrupt upload or download never completes.
 */
export function verifyingStream(expected: { digest: string; size?: number }, what: string): Transform {
  assertDigest(expected.digest);
  const hasher = new Hasher();
  const mismatch = (actual: string) =>
    new UserError(`${what} does not match ${expected.digest}: got ${actual}`);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hasher.update(chunk);
      if (expected.size !== undefined && hasher.size > expected.size) {
        callback(mismatch(`more than the expected ${expected.size} bytes`));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      const digest = hasher.digest();
      if (digest !== expected.digest || (expected.size !== undefined && hasher.size !== expected.size)) {
        callback(mismatch(`${digest} (${hasher.size} bytes)`));
        return;
      }
      callback();
    },
  });
}
