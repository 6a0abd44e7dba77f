// @ts-morph/common ships the compiler's types beside its bundle, not at the bundle's path.
declare module '@ts-morph/common/dist/typescript.js' {
  import { ts } from '@ts-morph/common/lib/typescript';
  export = ts;
}
