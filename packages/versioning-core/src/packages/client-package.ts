import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InterfaceDescriptor } from '../interface';
import type { ClientSpec } from '../runtime/client-runtime';
import { generateClientSource } from './client-source';
import type { PackageFile } from './npm-tarball';
import { packageJson } from './server-package';

export interface ClientPackageInput {
  /** npm name, e.g. `@ml-project/ham-client`. */
  name: string;
  spec: ClientSpec;
  interface: InterfaceDescriptor;
}

/** The client package: `HamClient` generated from the interface, on core's client runtime. */
export function clientPackageFiles(input: ClientPackageInput): PackageFile[] {
  const source = generateClientSource(input.interface, input.spec);
  return [
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
        dependencies: { '@modelos/versioning-core': `^${coreVersion()}` },
        modelos: { ...input.spec, interface: input.interface },
      }),
    },
  ];
}

/** This package's own version: generated clients need a runtime at least this new. */
function coreVersion(): string {
  // Same depth from src/packages and dist/packages.
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}
