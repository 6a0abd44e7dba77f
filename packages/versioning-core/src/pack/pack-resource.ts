import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerCache } from '../artifact/layer-cache';
import type { LayerSource } from '../artifact/layer-source';
import { perCallGitFacts, type ClosureFactsSource } from '../git';
import { closureLayerSources } from '../artifact/push-layers';
import { fileSystemRefusal } from '@modelos/runtime/fs-refusal';
import { pipeToFile } from '@modelos/runtime/pipe-to-file';
import type { FileRecord } from '../metadata/file-digests';
import { digestHex, Hasher, hashingStream, type BlobWritten } from '../oci';
import type { ProjectRef } from '../project-ref';
import { cacheDir, closureFileRecords, readResourceInterface } from '../resource-facts';
import { PACK_FILE, packDir, writePackDocument, type PackLayer } from './pack-document';

export interface PackInput {
  workspaceRoot: string;
  resource: ProjectRef;
  closure: ProjectRef[];
  /** Git answers shared with other tasks of the same run; default: calls of its own. */
  git?: ClosureFactsSource;
}

export interface PackResult {
  resource: string;
  /** The pack directory, workspace-relative. */
  outDir: string;
  clientHash: string;
  layers: Array<{ kind: PackLayer['kind']; project: string; digest: string; size: number; files: number }>;
}

/**
 * Builds the resource's layers, file lists and interface into `dist/modelos/<resource>/`, with
 * no registry and no git history involved: the same checkout gives the same bytes, which is what
 * makes the `pack` target safe to cache. Code layers are written as tar+gzip; model layers are
 * the checkout's files themselves (raw, content-addressed), listed with their digest, not copied.
 */
export async function packResource(input: PackInput): Promise<PackResult> {
  const outDir = packDir(input.workspaceRoot, input.resource.name);
  const current = readResourceInterface(input.workspaceRoot, input.resource);
  const git = input.git ?? perCallGitFacts(input.workspaceRoot);
  const files = await git.filesOf(input.closure.map((project) => project.root));
  const sources = closureLayerSources(input.workspaceRoot, input.resource, input.closure, files);
  const records = recordsByPath((await closureFileRecords(input.workspaceRoot, input.closure, files)).files);
  const cache = new LayerCache(cacheDir(input.workspaceRoot, 'layers'));
  const layers: PackLayer[] = [];
  try {
    // Only pack's own files: `report` writes report.html beside them.
    fs.rmSync(path.join(outDir, PACK_FILE), { force: true });
    fs.rmSync(path.join(outDir, 'layers'), { recursive: true, force: true });
    fs.mkdirSync(path.join(outDir, 'layers'), { recursive: true });
  } catch (err) {
    throw fileSystemRefusal(err, 'write', 'pack directory', outDir);
  }
  for (const source of sources) {
    const listed = source.files.map((file) => records.get(file.path)!);
    // A model layer is the file itself: its digest is the file's sha256, already known.
    const blob = source.kind === 'code' ? await writeCodeLayer(source, outDir) : { digest: `sha256:${listed[0].sha256}`, size: listed[0].size };
    cache.set(cache.key(source.kind, source.files), blob);
    layers.push({
      kind: source.kind,
      project: source.project,
      mediaType: source.mediaType,
      digest: blob.digest,
      size: blob.size,
      annotations: source.annotations,
      files: listed.map((record, i) => ({ ...record, executable: source.files[i].executable })),
      ...(source.kind === 'code' ? { blob: codeLayerPath(blob.digest) } : {}),
    });
  }
  writePackDocument(outDir, {
    formatVersion: 1,
    resource: input.resource.name,
    closure: input.closure,
    interface: current.interface,
    clientHash: current.clientHash,
    layers,
  });
  return {
    resource: input.resource.name,
    outDir: path.relative(input.workspaceRoot, outDir),
    clientHash: current.clientHash,
    layers: layers.map((layer) => ({ kind: layer.kind, project: layer.project, digest: layer.digest, size: layer.size, files: layer.files.length })),
  };
}

/** The closure's file records, by workspace path. */
export function recordsByPath(records: Record<string, FileRecord[]>): Map<string, FileRecord> {
  return new Map(Object.values(records).flatMap((files) => files.map((file) => [file.path, file] as const)));
}

export function codeLayerPath(digest: string): string {
  return `layers/${digestHex(digest)}.tar.gz`;
}

/** Built, hashed and written in one pass, then named after its digest. */
async function writeCodeLayer(source: LayerSource, outDir: string): Promise<BlobWritten> {
  const hasher = new Hasher();
  const tmp = path.join(outDir, 'layers', `.tmp-${randomUUID()}`);
  try {
    await pipeToFile(tmp, { flags: 'wx' }, source.open(), hashingStream(hasher));
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  const blob = { digest: hasher.digest(), size: hasher.size };
  fs.renameSync(tmp, path.join(outDir, codeLayerPath(blob.digest)));
  return blob;
}
