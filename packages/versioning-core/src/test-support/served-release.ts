import type { InterfaceDescriptor, MethodDescriptor } from '../interface';
import type { Repository } from '../oci';
import { generateClientSource } from '../packages/client-source';
import { serverScript } from '../packages/server-script';
import { loadGeneratedClient } from './ham-workspace';
import { publishTestPackage } from './package-artifact';
import { pushTinyArtifact } from './tiny-artifact';

const method = (name: string, parameters: MethodDescriptor['parameters'] = [], returnType = 'unknown'): MethodDescriptor => ({ name, typeParameters: [], parameters, returnType });

/** `Ham(name)`: `whoami()` (version, pid, name), `slow(ms)`, `fail()` (throws), static `getTemp()`. */
export const hamDescriptor: InterfaceDescriptor = {
  formatVersion: 1,
  className: 'Ham',
  typeParameters: [],
  extends: null,
  constructors: [{ parameters: [{ name: 'name', type: 'string', optional: false, rest: false }] }],
  methods: [method('fail'), method('slow', [{ name: 'ms', type: 'number', optional: false, rest: false }]), method('whoami')],
  staticMethods: [method('getTemp')],
  types: [],
};

/**
 * A release `v<version>` of `ham` with a real server package (the real `server.js` of every
 * server package, serving a small `Ham` that reports its version and process): what an endpoint
 * pulls and runs.
 */
export async function publishServedRelease(repo: Repository, scope: string, version: string): Promise<void> {
  await pushTinyArtifact(repo, `v${version}`, { version });
  const served = { resource: 'ham', version, clientHash: 'f'.repeat(64), interface: hamDescriptor };
  await publishTestPackage(repo, {
    name: `@${scope}/ham`,
    version,
    resource: 'ham',
    kind: 'server',
    files: {
      'package.json': JSON.stringify({ name: `@${scope}/ham`, version, main: 'index.js', modelos: served }),
      'server.js': serverScript().toString('utf8'),
      'index.js': `class Ham {
  constructor(name) { this.name = name; }
  whoami() { return { version: ${JSON.stringify(version)}, pid: process.pid, name: this.name }; }
  async slow(ms) { await new Promise((resolve) => setTimeout(resolve, ms)); return ${JSON.stringify(version)}; }
  fail() { throw new RangeError('burnt'); }
  static getTemp() { return ${JSON.stringify(version)}; }
}
module.exports = { Ham };
`,
    },
  });
}

/** The generated `HamClient` of major `major`, on the client runtime of these sources. */
export function hamClient(registry: string, major = 1): any {
  return loadGeneratedClient(generateClientSource(hamDescriptor, { resource: 'ham', version: `${major}.0.0`, clientHash: 'f'.repeat(64), registry }).js).HamClient;
}
