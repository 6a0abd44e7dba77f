import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileSummary } from './file-summary';
import { diskFiles, type SourceFiles } from './source-files';
import type { SourceDialect } from './summarize';
import { writeFileAtomically } from '../file-io';

/** Bump when summaries change shape or content, so that old cache entries are never read. */
const SUMMARY_FORMAT = 'interface-summary-1';
// The printer's output is part of a summary: a new compiler means new keys. @ts-morph/common
// carries it (read from its package.json: loading the compiler is what a hit saves).
const COMPILER_PACKAGE_VERSION = (require('@ts-morph/common/package.json') as { version: string }).version;

/**
 * Per process: a file read twice (a type shared by many resources) is parsed once. `savedIn`:
 * cache directories known to hold the entry, so that each gets it once, even on memory hits.
 */
const memory = new Map<string, { summary: FileSummary; savedIn: Set<string> }>();

/**
 * The summary of a file, by the hash of its content: from memory, else from `cacheDir` (so a
 * new process, e.g. the next `nx run`, does not parse again), else parsed. undefined when the
 * file cannot be read.
 */
export function fileSummary(file: string, cacheDir?: string, files: SourceFiles = diskFiles): FileSummary | undefined {
  const content = files.read(file);
  if (content === undefined) return undefined;
  const dialect = dialectOf(file);
  const key = createHash('sha256').update(`${SUMMARY_FORMAT}\0${COMPILER_PACKAGE_VERSION}\0${dialect}\0`).update(content).digest('hex');
  let entry = memory.get(key);
  if (!entry) {
    const cached = cacheDir ? readCached(cacheDir, key) : undefined;
    entry = { summary: cached ?? parse(content.toString('utf8'), dialect), savedIn: new Set(cached ? [cacheDir!] : []) };
    memory.set(key, entry);
  }
  if (cacheDir && !entry.savedIn.has(cacheDir)) {
    writeCached(cacheDir, key, entry.summary);
    entry.savedIn.add(cacheDir);
  }
  return entry.summary;
}

function parse(text: string, dialect: SourceDialect): FileSummary {
  // Loaded on a miss only: the compiler takes a while to load, and a warm cache does not need it.
  const { summarizeSource } = require('./summarize') as typeof import('./summarize');
  return summarizeSource(text, dialect);
}

function dialectOf(file: string): SourceDialect {
  if (file.endsWith('.d.ts')) return '.d.ts';
  return file.endsWith('.tsx') ? '.tsx' : '.ts';
}

function readCached(cacheDir: string, key: string): FileSummary | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(cacheDir, `${key}.json`), 'utf8')) as FileSummary;
  } catch {
    // Missing or unreadable: parse again and overwrite.
    return undefined;
  }
}

/** A reader sees a whole entry or none, even with concurrent writers. */
function writeCached(cacheDir: string, key: string, summary: FileSummary): void {
  writeFileAtomically(path.join(cacheDir, `${key}.json`), JSON.stringify(summary));
}
