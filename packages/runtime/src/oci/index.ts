export * from './content';
export * from './reference';
export * from './repository';
export * from './remote';
export * from './auth';
export * from './retry';
export * from './layout';
export * from './session';
