/**
 * Re-cuts a stream into buffers of exactly `size` bytes (the last one shorter, none empty):
 * upload chunks of a known size whatever the source emits.
 */
export async function* chunksOf(source: NodeJS.ReadableStream, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let filled = 0;
  for await (const data of source) {
    let chunk = Buffer.isBuffer(data) ? data : Buffer.from(data as string);
    while (filled + chunk.length >= size) {
      const take = size - filled;
      parts.push(chunk.subarray(0, take));
      yield Buffer.concat(parts, size);
      parts = [];
      filled = 0;
      chunk = chunk.subarray(take);
    }
    if (chunk.length > 0) {
      parts.push(chunk);
      filled += chunk.length;
    }
  }
  if (filled > 0) yield Buffer.concat(parts, filled);
}
