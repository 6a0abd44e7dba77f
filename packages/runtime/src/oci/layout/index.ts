export { LayoutRepository, REF_NAME } from './repository';
export { withFileLock, type LockOptions } from './lock';
