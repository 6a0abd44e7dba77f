import { UserError } from '../errors';
import { assertTag } from './oci-tag';

describe('assertTag', () => {
  it('applies the OCI tag rule', () => {
    expect(() => assertTag('v1.2.3-rc.1')).not.toThrow();
    expect(() => assertTag('_x')).not.toThrow();
    expect(() => assertTag('v1.0.0+build')).toThrow('invalid tag "v1.0.0+build": tags match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}');
    expect(() => assertTag('.x')).toThrow(UserError);
    expect(() => assertTag('a'.repeat(129))).toThrow(UserError);
  });
});
