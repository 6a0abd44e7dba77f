import { UserError } from '../errors';
import { parseRecordedConfig } from './recorded-config';

const read = (config: unknown) => parseRecordedConfig(Buffer.from(JSON.stringify(config)), 'ham:v1.0.0');

describe('parseRecordedConfig', () => {
  it('reads the resolved requirements a release records (per resource, its versions with digests)', () => {
    const digest = `sha256:${'e'.repeat(64)}`;
    const config = read({ name: 'ham', resolved: { eggs: [{ version: '1.4.2', digest, repository: 'r/eggs', requiredBy: ['ham'] }, { version: '2.0.0', digest }] } });
    expect(config.resolved).toEqual([
      { resource: 'eggs', version: '1.4.2', digest },
      { resource: 'eggs', version: '2.0.0', digest },
    ]);
    expect(read({ name: 'ham' }).resolved).toBeNull();
  });

  it('reads a config from before metadata: raw metrics split, no files, no author', () => {
    const config = read({ name: 'ham', closure: { projects: ['ham'], commit: 'a'.repeat(40) }, metrics: { accuracy: 0.8, run: 'old', tuned: true } });
    expect(config).toMatchObject({ author: null, files: null, interface: null, metrics: { accuracy: 0.8 }, labels: { run: 'old' }, closureProjects: ['ham'] });
  });

  it('refuses a blob that is not a JSON object, naming it', () => {
    expect(() => parseRecordedConfig(Buffer.from('not json'), 'ham:v1.0.0')).toThrow(new UserError('the config of ham:v1.0.0 is not JSON: is it a ModelOS resource?'));
    expect(() => read([1])).toThrow('the config of ham:v1.0.0 is not a JSON object');
  });
});
