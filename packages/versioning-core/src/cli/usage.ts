/** An `mdl` command: what runs it and what `mdl --help` and `mdl help <command>` say of it. */
export interface Command {
  run(args: string[]): Promise<void>;
  /** The command line, from the command's name on: `versions <repo> [--json] [--metrics]`. */
  synopsis: string;
  /** What it does, in lines of at most ~90 characters. */
  summary: string;
}

/** What the placeholders of a synopsis stand for, printed under the usage of the commands that take them. */
const PLACEHOLDERS: Record<string, string> = {
  '<repo>': `<repo> is oci://host[:port]/<namespace>/<resource>, host[:port]/<namespace>/<resource>
or the path of an OCI image layout such as .modelos/registry/<resource>.`,
  '<ref>': `<ref> is <registry>:<resource>-client-v<MAJOR|version> or <registry>:<resource>-pkg-v<version>,
<registry> being host[:port]/<namespace>, oci://host[:port]/<namespace> or a layout directory,
e.g. acme.org/ml-project:ham-client-v1 or .modelos/registry:ham-pkg-v1.2.1.`,
};

/** The summary's column in `mdl --help`: a synopsis shorter than it shares its first line. */
const SUMMARY_COLUMN = 29;

/** `mdl --help`: every command, then what the placeholders stand for. */
export function formatUsage(commands: Record<string, Command>): string {
  const entries = Object.values(commands).map(({ synopsis, summary }) => {
    const [first, ...rest] = summary.split('\n').map((line) => `${' '.repeat(SUMMARY_COLUMN)}${line}`);
    const head = `  ${synopsis}`;
    const lines = head.length < SUMMARY_COLUMN - 1 ? [head.padEnd(SUMMARY_COLUMN) + first.trimStart()] : [head, first];
    return [...lines, ...rest].join('\n');
  });
  const footer = Object.values(PLACEHOLDERS).join('\n');
  return `usage: mdl <command> [options]\n       mdl help <command>\n       mdl --version\n\ncommands:\n${entries.join('\n')}\n\n${footer}`;
}

/** `mdl help <command>` and `mdl <command> --help`: its usage, and the placeholders it takes. */
export function formatCommandUsage({ synopsis, summary }: Command): string {
  const notes = Object.entries(PLACEHOLDERS).filter(([placeholder]) => synopsis.includes(placeholder));
  return [`usage: mdl ${synopsis}`, summary, ...notes.map(([, text]) => text)].join('\n\n');
}
