export interface ReleaseExecutorOptions {
  gitTag?: boolean;
  push?: boolean | string;
  forceMain?: boolean;
  forceMajor?: boolean;
  patch?: boolean;
  preid?: 'alpha' | 'beta' | 'rc';
  latest?: boolean;
  allowDirty?: boolean;
  initialVersion?: string;
  publish?: boolean;
  npmRegistry?: string;
  registry?: string;
  dryRun?: boolean;
  json?: boolean;
}
