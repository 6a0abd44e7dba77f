import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Pipes `source` through `transforms` into `file`, and settles only once `file` is closed. A
 * plain pipeline rejects as soon as a stream fails, while the file stream may still be opening
 * its file: it then creates the file after the caller removed it, leaving an empty temp file
 * behind (a quarter of failed downloads here). `options` as for fs.createWriteStream.
 */
export async function pipeToFile(
  file: string,
  options: { flags?: 'w' | 'wx'; mode?: number },
  source: NodeJS.ReadableStream,
  ...transforms: NodeJS.ReadWriteStream[]
): Promise<void> {
  const out = createWriteStream(file, options);
  try {
    await pipeline([source, ...transforms, out]);
  } catch (err) {
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    throw err;
  }
}
