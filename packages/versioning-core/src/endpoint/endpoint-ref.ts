import { UserError } from '../errors';
import { parseRegistryArgument } from '../install/registry-argument';
import type { RegistryReference } from '../oci';
import { environmentTag } from '../tags';

export interface EndpointRef {
  registry: RegistryReference;
  resource: string;
  environment: string;
}

const FORM = 'expected <registry>:<resource>@<environment>, e.g. oci://127.0.0.1:5000/ml-project:ham@production or .modelos/registry:ham@staging';

/** `mdl endpoint <registry>:<resource>@<env>`; the registry may hold a port, so the last `:` separates. */
export function parseEndpointRef(text: string, cwd: string): EndpointRef {
  const colon = text.lastIndexOf(':');
  const at = text.lastIndexOf('@');
  if (colon <= 0 || at < colon + 2 || at === text.length - 1) throw new UserError(`invalid endpoint reference "${text}": ${FORM}`);
  const environment = text.slice(at + 1);
  environmentTag(environment);
  return { registry: parseRegistryArgument(text.slice(0, colon), cwd), resource: text.slice(colon + 1, at), environment };
}
