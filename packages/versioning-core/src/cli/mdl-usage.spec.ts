import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tsNodeArgs } from '../test-support/run-ts';

const MDL = path.join(__dirname, 'mdl.ts');
const VERSION = (JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;

function mdl(args: string[]) {
  const child = spawnSync(process.execPath, tsNodeArgs(MDL, args), { encoding: 'utf8' });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

describe('mdl usage', () => {
  it('prints a command\'s usage for <command> --help, <command> -h and help <command>, exiting 0', () => {
    for (const args of [['serve', '--help'], ['serve', 'oci://x/ns:ham-pkg-v1.0.0', '-h'], ['help', 'serve']]) {
      const result = mdl(args);
      expect(result).toMatchObject({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/^usage: mdl serve <ref> \[--port N\] \[--host H\]\n\nrun a server package in the foreground/);
      // What <ref> stands for, not <repo>, which serve does not take.
      expect(result.stdout).toContain('<ref> is <registry>:<resource>-client-v');
      expect(result.stdout).not.toContain('<repo> is');
    }
  });

  it('prints every command for --help and help, and the package version for --version', () => {
    for (const args of [['--help'], ['help'], ['help', 'help']]) {
      const result = mdl(args);
      expect(result).toMatchObject({ status: 0, stderr: '' });
      expect(result.stdout).toMatch(/^usage: mdl <command> \[options\]\n/);
      expect(result.stdout).toContain('\n  releases <repo> [--json]   list releases, newest semver first, latest on top\n');
    }
    expect(mdl(['--version'])).toEqual({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('refuses a bad option in one line naming it and the command\'s options', () => {
    expect(mdl(['versions', 'oci://x/ns/ham', '--bogus'])).toMatchObject({
      status: 1,
      stdout: '',
      stderr: 'mdl: versions: unknown option --bogus; its options: --json, --metrics, --help\n',
    });
    expect(mdl(['serve', 'oci://x/ns:ham-pkg-v1.0.0', '--port']).stderr).toBe(
      'mdl: serve: --port needs a value (--port=<value> when it starts with "-"); its options: --port <value>, --host <value>, --help\n',
    );
    expect(mdl(['releases', 'oci://x/ns/ham', '--json=yes']).stderr).toBe('mdl: releases: --json takes no value; its options: --json, --help\n');
    expect(mdl(['help', 'bogus']).stderr).toMatch(/^mdl: unknown command "bogus"; commands: versions, releases, [^\n]*, help\n$/);
  });

  it('names the command once in what it takes', () => {
    expect(mdl(['versions']).stderr).toBe(
      'mdl: versions takes one repository argument: oci://host[:port]/<namespace>/<resource> or a layout path (see mdl help versions)\n',
    );
    expect(mdl(['promote', 'oci://x/ns/ham']).stderr).toBe('mdl: promote needs --env (see mdl help promote)\n');
  });
});
