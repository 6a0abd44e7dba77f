export interface ReleaseExecutorOptions {
  gitTag?: boolean;
  push?: boolean;
  forceMain?: boolean;
  forceMajor?: boolean;
  patch?: boolean;
  preid?: 'alpha' | 'beta' | 'rc';
  latest?: boolean;
  allowDirty?: boolean;
  initialVersion?: string;
  registry?: string;
  dryRun?: boolean;
  json?: boolean;
}
