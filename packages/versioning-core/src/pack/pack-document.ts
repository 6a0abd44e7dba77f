import * as fs from 'node:fs';
import * as path from 'node:path';
import { canonicalJson } from '../canonical-json';
import { UserError } from '../errors';
import type { InterfaceDescriptor } from '../interface';
import type { FileRecord } from '../metadata/file-digests';
import type { ProjectRef } from '../project-ref';

export interface PackLayer {
  kind: 'code' | 'model';
  project: string;
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
  /** The same records the config blob holds (path, size, sha256), for the files of this layer, with their mode. */
  files: PackedFile[];
  /** Code layers: the tar+gzip pack wrote, relative to the pack directory. Models stay in the checkout. */
  blob?: string;
}

/** A file as pack put it in a layer: its record, and whether it was executable (a layer's bytes hold its mode). */
export type PackedFile = FileRecord & { executable: boolean };

/** `dist/modelos/<resource>/pack.json`: what `pack` built, for `store` and `release` to push. */
export interface PackDocument {
  formatVersion: 1;
  resource: string;
  closure: ProjectRef[];
  interface: InterfaceDescriptor;
  clientHash: string;
  layers: PackLayer[];
}

export const PACK_FILE = 'pack.json';

/** Where pack writes a resource's output, the target's declared `outputs`. */
export function packDir(workspaceRoot: string, resource: string): string {
  return path.join(workspaceRoot, 'dist', 'modelos', resource);
}

export function writePackDocument(dir: string, document: PackDocument): void {
  fs.writeFileSync(path.join(dir, PACK_FILE), `${canonicalJson(document)}\n`);
}

/** The pack document in `dir`, or null when there is none (pack did not run). */
export function readPackDocument(dir: string): PackDocument | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, PACK_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const document = JSON.parse(text) as PackDocument;
    if (document.formatVersion !== 1 || !Array.isArray(document.layers)) throw new Error('unknown format');
    return document;
  } catch {
    throw new UserError(`${path.join(dir, PACK_FILE)} is not a pack document of this plugin: delete ${dir} and run pack again`);
  }
}
