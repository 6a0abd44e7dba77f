// A resource's public interface (ts-morph, syntax only, cached by content hash) and its client hash.
export { extractInterface, type ExtractInterfaceInput } from './extract';
export { clientHash } from './client-hash';
export type { SourceFiles } from './source-files';
export { diffInterfaces, type InterfaceBump, type InterfaceChange, type InterfaceDiff } from './diff';
export {
  INTERFACE_FORMAT,
  type InterfaceDescriptor,
  type ConstructorDescriptor,
  type MethodDescriptor,
  type ParameterDescriptor,
  type TypeDescriptor,
} from './descriptor';
