import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import { modelosCacheDir } from '@modelos/runtime/cache-dir';
import { forEachConcurrently } from '../concurrently';
import { UserError } from '../errors';
import type { Descriptor, Repository } from '../oci';
import {
  describeManifest,
  entryFor,
  foreignEntryFor,
  isImmutableTag,
  isStoreTag,
  summarizeManifest,
  type ForeignEntry,
  type IndexEntry,
  type Summary,
} from './entry';
import { writeFileAtomically } from '../file-io';

/** Bump when entries gain or change fields: an older file is rebuilt, never read. */
const FORMAT = 4;

interface IndexFile {
  format: number;
  repository: string;
  entries: IndexEntry[];
  foreign: ForeignEntry[];
}

export interface RefreshOptions {
  /** Keep tags whose manifest cannot be read apart (see `broken`) instead of failing. */
  keepBroken?: boolean;
  /**
   * Leave the tags `store` writes (adhoc and branch tags, one per stored commit) unread, for
   * readers of releases and the tags on them (release, requirement resolution): each would cost a
   * HEAD on every refresh, however many commits were stored. Known ones stay as the index has
   * them, possibly moved since; new ones are left out. A later full refresh reads them all.
   */
  skipStoreTags?: boolean;
}

/** A tag whose manifest the registry would not give (an error answer, wrong digest, not a manifest). */
export interface BrokenTag {
  tag: string;
  error: string;
}

interface Known {
  entries: Map<string, IndexEntry>;
  foreign: Map<string, ForeignEntry>;
}

/** Where indexes live: one file per repository, shared by every workspace and `mdl` of this user. */
export function defaultIndexDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(modelosCacheDir(env), 'ocidex');
}

/** Parallel manifest reads: enough to hide latency, few enough to be polite to a registry. */
const CONCURRENCY = 8;

/**
 * Ocidex: a local index of one OCI repository (tag → digest, kind, version, created, client
 * hash, size). The registry stays the source of truth: `refresh` lists tags every time, reads
 * manifests only for tags it has not seen, re-resolves tags that may move, and drops tags that
 * vanished. A missing, foreign or corrupt file is simply rebuilt. Tags on anything but an image
 * manifest (another tool's image index) are kept apart, as foreign entries.
 */
export class Ocidex {
  private entries = new Map<string, IndexEntry>();
  private foreignEntries = new Map<string, ForeignEntry>();
  private brokenTags = new Map<string, BrokenTag>();
  /** Changed in memory since the file was last read or written. */
  private dirty = false;
  private readonly file: string;

  constructor(
    private readonly repo: Repository,
    indexDir: string = defaultIndexDir(),
  ) {
    const key = createHash('sha256').update(repo.reference).digest('hex').slice(0, 32);
    this.file = path.join(indexDir, `${key}.json`);
  }

  /**
   * Brings the index in line with the registry and returns every entry of an image manifest (see
   * `foreign`). A tag whose manifest cannot be read fails the refresh, naming the tag, once every
   * other tag is indexed; with `keepBroken` (listings) it is kept apart instead, see `broken`.
   */
  async refresh(options: RefreshOptions = {}): Promise<IndexEntry[]> {
    const known = this.load();
    const tags = await this.repo.listTags();
    const summaries = new Map<string, Summary>();
    for (const entry of known.entries.values()) summaries.set(entry.digest, { foreign: false, summary: entry });
    for (const entry of known.foreign.values()) summaries.set(entry.digest, { foreign: true, summary: entry });

    const entries = new Map<string, IndexEntry>();
    const foreign = new Map<string, ForeignEntry>();
    const broken = new Map<string, BrokenTag>();
    await forEachConcurrently(tags, CONCURRENCY, async (tag) => {
      const previous = known.entries.get(tag);
      if (previous && isImmutableTag(previous)) {
        entries.set(tag, previous);
        return;
      }
      if (options.skipStoreTags && isStoreTag(tag)) {
        if (previous) entries.set(tag, previous);
        else if (known.foreign.has(tag)) foreign.set(tag, known.foreign.get(tag)!);
        return;
      }
      try {
        const read = await this.read(tag, summaries, previous !== undefined || known.foreign.has(tag));
        if (read?.foreign) foreign.set(tag, foreignEntryFor(tag, read.summary));
        else if (read) entries.set(tag, entryFor(tag, read.summary));
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        broken.set(tag, { tag, error: err.message });
      }
    });
    // Most refreshes find what the file holds: then it is not written again.
    this.dirty = !sameTags(known.entries, entries) || !sameTags(known.foreign, foreign);
    this.entries = entries;
    this.foreignEntries = foreign;
    this.brokenTags = broken;
    this.save();
    if (broken.size && !options.keepBroken) throw unreadable([...broken.values()]);
    return this.list();
  }

  /** Tags of the last refresh whose manifest could not be read, with why (never saved: the next refresh tries again). */
  broken(): BrokenTag[] {
    return [...this.brokenTags.values()];
  }

  list(): IndexEntry[] {
    return [...this.entries.values()];
  }

  /** Tags on something that is not an image manifest, e.g. an image index another tool pushed. */
  foreign(): ForeignEntry[] {
    return [...this.foreignEntries.values()];
  }

  get(tag: string): IndexEntry | undefined {
    return this.entries.get(tag);
  }

  /** Write-through after our own push, so the next refresh needs no read for this tag. */
  record(tag: string, bytes: Buffer, descriptor: Descriptor): IndexEntry {
    const entry = entryFor(tag, summarizeManifest(bytes, descriptor, `${this.repo.reference}:${tag}`));
    this.entries.set(tag, entry);
    this.foreignEntries.delete(tag);
    this.dirty = true;
    this.save();
    return entry;
  }

  /** Drops a tag in memory only: `save` writes a whole batch of them at once. */
  forget(tag: string): void {
    this.entries.delete(tag);
    this.foreignEntries.delete(tag);
    this.dirty = true;
  }

  /** Writes the index file if it changed; an atomic replace, so a crash mid-write leaves the old index, never a torn one. */
  save(): void {
    if (!this.dirty) return;
    const data: IndexFile = { format: FORMAT, repository: this.repo.reference, entries: this.list(), foreign: this.foreign() };
    const dir = path.dirname(this.file);
    try {
      writeFileAtomically(this.file, JSON.stringify(data));
      this.dirty = false;
    } catch (err) {
      throw fileSystemRefusal(err, 'write', 'index directory', dir);
    }
  }

  /**
   * A tag seen before costs a HEAD, plus a GET only if it moved to a digest no entry has shown;
   * a new tag costs one GET, which brings digest and content together.
   */
  private async read(tag: string, summaries: Map<string, Summary>, seen: boolean): Promise<Summary | null> {
    if (seen) {
      const descriptor = await this.repo.resolve(tag);
      if (!descriptor) return null;
      const known = summaries.get(descriptor.digest);
      if (known) return known;
    }
    const fetched = await this.repo.fetchManifest(tag);
    if (!fetched) return null;
    const summary = describeManifest(fetched.bytes, fetched.descriptor);
    summaries.set(fetched.descriptor.digest, summary);
    return summary;
  }

  private load(): Known {
    const none: Known = { entries: new Map(), foreign: new Map() };
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as IndexFile;
      if (data.format !== FORMAT || data.repository !== this.repo.reference || !Array.isArray(data.entries) || !Array.isArray(data.foreign)) {
        return none;
      }
      return {
        entries: new Map(data.entries.filter(isWellFormed).map((entry) => [entry.tag, entry])),
        foreign: new Map(data.foreign.filter(isWellFormedForeign).map((entry) => [entry.tag, entry])),
      };
    } catch {
      return none;
    }
  }
}

/** The same tags on the same digests: entries are a function of tag and digest. */
function sameTags(a: Map<string, { digest: string }>, b: Map<string, { digest: string }>): boolean {
  return a.size === b.size && [...b].every(([tag, entry]) => a.get(tag)?.digest === entry.digest);
}

function isWellFormed(entry: IndexEntry): boolean {
  return typeof entry?.tag === 'string' && isSha256(entry.digest) && typeof entry.kind === 'string';
}

function isWellFormedForeign(entry: ForeignEntry): boolean {
  return (
    typeof entry?.tag === 'string' &&
    isSha256(entry.digest) &&
    typeof entry.mediaType === 'string' &&
    Number.isSafeInteger(entry.size) &&
    Array.isArray(entry.references) &&
    entry.references.every(isSha256)
  );
}

function isSha256(digest: unknown): boolean {
  return typeof digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(digest);
}

function unreadable(broken: BrokenTag[]): UserError {
  const [first, ...more] = broken;
  const others = more.length ? ` (and ${more.length} more unreadable tag${more.length > 1 ? 's' : ''}: ${more.map((b) => b.tag).join(', ')})` : '';
  return new UserError(`tag ${first.tag} cannot be read: ${first.error}${others}; \`versions\` lists every tag with its error`);
}
