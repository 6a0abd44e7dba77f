import type { ClientSpec } from '@modelos/runtime';
import type { InterfaceDescriptor } from '../interface';
import { generateClientSource } from './client-source';
import type { PackageFile } from './npm-tarball';
import { RUNTIME_PACKAGE, runtimeBundle } from './runtime-bundle';
import { packageJson } from './server-package';

export interface ClientPackageInput {
  /** npm name, e.g. `@ml-project/ham-client`. */
  name: string;
  spec: ClientSpec;
  interface: InterfaceDescriptor;
}

/**
 * The client package: `HamClient` generated from the interface, on `@modelos/runtime`, which it
 * carries inside (`bundleDependencies`): installing it needs no npm registry.
 */
export function clientPackageFiles(input: ClientPackageInput): PackageFile[] {
  const source = generateClientSource(input.interface, input.spec);
  const runtime = runtimeBundle();
  return [
    ...runtime.files,
    { path: 'index.js', content: Buffer.from(source.js) },
    { path: 'index.d.ts', content: Buffer.from(source.dts) },
    {
      path: 'package.json',
      content: packageJson({
        name: input.name,
        version: input.spec.version,
        description: `${source.className}: a typed client of ${input.spec.resource} v${input.spec.version.split('.')[0]}.x.y servers`,
        main: 'index.js',
        types: 'index.d.ts',
        dependencies: { [RUNTIME_PACKAGE]: runtime.version },
        bundleDependencies: [RUNTIME_PACKAGE],
        modelos: { ...input.spec, interface: input.interface },
      }),
    },
  ];
}
