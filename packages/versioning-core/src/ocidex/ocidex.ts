import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileSystemRefusal } from '../fs-refusal';
import type { Descriptor, Repository } from '../oci';
import { entryFor, isImmutableTag, summarizeManifest, type IndexEntry, type ManifestSummary } from './entry';

/** Bump when entries gain or change fields: an older file is rebuilt, never read. */
const FORMAT = 2;

interface IndexFile {
  format: number;
  repository: string;
  entries: IndexEntry[];
}

/** Where indexes live: one file per repository, shared by every workspace and `mdl` of this user. */
export function defaultIndexDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MODELOS_CACHE_DIR) return path.join(env.MODELOS_CACHE_DIR, 'ocidex');
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'modelos', 'ocidex');
}

/** Parallel manifest reads: enough to hide latency, few enough to be polite to a registry. */
const CONCURRENCY = 8;

/**
 * Ocidex: a local index of one OCI repository (tag → digest, kind, version, created, client
 * hash, size). The registry stays the source of truth: `refresh` lists tags every time, reads
 * manifests only for tags it has not seen, re-resolves tags that may move, and drops tags that
 * vanished. A missing, foreign or corrupt file is simply rebuilt.
 */
export class Ocidex {
  private entries = new Map<string, IndexEntry>();
  private readonly file: string;

  constructor(
    private readonly repo: Repository,
    indexDir: string = defaultIndexDir(),
  ) {
    const key = createHash('sha256').update(repo.reference).digest('hex').slice(0, 32);
    this.file = path.join(indexDir, `${key}.json`);
  }

  /** Brings the index in line with the registry and returns every entry. */
  async refresh(): Promise<IndexEntry[]> {
    const known = this.load();
    const tags = await this.repo.listTags();
    const summaries = new Map<string, ManifestSummary>();
    for (const entry of known.values()) summaries.set(entry.digest, entry);

    const fresh = new Map<string, IndexEntry>();
    await forEachConcurrently(tags, async (tag) => {
      const previous = known.get(tag);
      const entry = previous && isImmutableTag(previous) ? previous : await this.read(tag, summaries, previous !== undefined);
      if (entry) fresh.set(tag, entry);
    });
    this.entries = fresh;
    this.save();
    return this.list();
  }

  list(): IndexEntry[] {
    return [...this.entries.values()];
  }

  get(tag: string): IndexEntry | undefined {
    return this.entries.get(tag);
  }

  /** Write-through after our own push, so the next refresh needs no read for this tag. */
  record(tag: string, bytes: Buffer, descriptor: Descriptor): IndexEntry {
    const entry = entryFor(tag, summarizeManifest(bytes, descriptor, `${this.repo.reference}:${tag}`));
    this.entries.set(tag, entry);
    this.save();
    return entry;
  }

  forget(tag: string): void {
    this.entries.delete(tag);
    this.save();
  }

  /**
   * A tag seen before costs a HEAD, plus a GET only if it moved to a digest no entry has shown;
   * a new tag costs one GET, which brings digest and content together.
   */
  private async read(tag: string, summaries: Map<string, ManifestSummary>, seen: boolean): Promise<IndexEntry | null> {
    if (seen) {
      const descriptor = await this.repo.resolve(tag);
      if (!descriptor) return null;
      const known = summaries.get(descriptor.digest);
      if (known) return entryFor(tag, known);
    }
    const fetched = await this.repo.fetchManifest(tag);
    if (!fetched) return null;
    const summary = summarizeManifest(fetched.bytes, fetched.descriptor, `${this.repo.reference}:${tag}`);
    summaries.set(fetched.descriptor.digest, summary);
    return entryFor(tag, summary);
  }

  private load(): Map<string, IndexEntry> {
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as IndexFile;
      if (data.format !== FORMAT || data.repository !== this.repo.reference || !Array.isArray(data.entries)) {
        return new Map();
      }
      return new Map(data.entries.filter(isWellFormed).map((entry) => [entry.tag, entry]));
    } catch {
      return new Map();
    }
  }

  /** Atomic replace: a crash mid-write leaves the old index, never a torn one. */
  private save(): void {
    const data: IndexFile = { format: FORMAT, repository: this.repo.reference, entries: this.list() };
    const dir = path.dirname(this.file);
    try {
      fs.mkdirSync(dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(data));
      fs.renameSync(tmp, this.file);
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'index directory', dir);
    }
  }
}

function isWellFormed(entry: IndexEntry): boolean {
  return (
    typeof entry?.tag === 'string' &&
    typeof entry.digest === 'string' &&
    /^sha256:[0-9a-f]{64}$/.test(entry.digest) &&
    typeof entry.kind === 'string'
  );
}

async function forEachConcurrently<T>(items: T[], task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
