import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true }>>;

/** Whether `mdl <command> …` asks for the command's usage: `--help` or `-h` before any `--`. */
export function asksForHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

/**
 * parseArgs for `mdl <command>`. Node's own errors name neither the command nor its options
 * (and suggest `-- "--x"` with an unbalanced quote): ours are one line naming both.
 */
export function parseCommandArgs<T extends Options>(command: string, args: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true });
  } catch (err) {
    const { code, message } = err as NodeJS.ErrnoException;
    if (!String(code).startsWith('ERR_PARSE_ARGS')) throw err;
    throw new UserError(`${command}: ${problem(code!, message)}; its options: ${optionList(options)}`);
  }
}

function problem(code: string, message: string): string {
  // Node quotes the option first: 'Unknown option '--x'…', 'Option '--port <value>' argument missing'.
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? 'an option';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option}`;
  if (message.includes('does not take an argument')) return `${option} takes no value`;
  return `${option} needs a value (${option}=<value> when it starts with "-")`;
}

function optionList(options: Options): string {
  const listed = Object.entries(options).map(([name, { type }]) => (type === 'string' ? `--${name} <value>` : `--${name}`));
  return [...listed, '--help'].join(', ');
}
