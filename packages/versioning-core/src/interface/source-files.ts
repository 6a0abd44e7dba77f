import * as fs from 'node:fs';

/**
 * Where interface extraction reads sources and tsconfigs: the disk by default; a generator
 * hands in its virtual tree, so that it checks files it has not written to disk yet.
 */
export interface SourceFiles {
  /** The file's bytes; undefined when it cannot be read. */
  read(file: string): Buffer | undefined;
  isFile(file: string): boolean;
}

export const diskFiles: SourceFiles = {
  read(file) {
    try {
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  },
  isFile(file) {
    try {
      return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
    } catch {
      // ENOTDIR: a candidate such as `settings.json/index.ts` runs through a file.
      return false;
    }
  },
};
