import { run } from './run';

/** skopeo: an independent OCI client to read back what the plugin wrote. */
function skopeo(args: string[]): string {
  return run('skopeo', args, { cwd: process.cwd() }).stdout;
}

/** The raw manifest of `oci:<dir>:<tag>` or `docker://<host>/<repo>:<tag>`. */
export function inspectRaw(reference: string): any {
  const tls = reference.startsWith('docker://') ? ['--tls-verify=false'] : [];
  return JSON.parse(skopeo(['inspect', '--raw', ...tls, reference]));
}

export function listTags(dockerReference: string): string[] {
  return (JSON.parse(skopeo(['list-tags', '--tls-verify=false', dockerReference])) as { Tags: string[] }).Tags;
}
