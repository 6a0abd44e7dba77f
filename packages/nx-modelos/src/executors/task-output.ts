// Nx's own logger module rather than @nx/devkit's index, which loads generator utilities.
import { logger } from 'nx/src/utils/logger';
import { progressMeter, wantsProgress, type ProgressMeter } from '@modelos/versioning-core/transfer-progress';
import { printJson } from './print-json';

/** What a target prints: lines for people, the `--json` document, and core progress lines. */
export interface TaskOutput {
  info(text: string): void;
  warn(text: string): void;
  /** The one `--json` document of the task. */
  json(document: unknown): void;
  /** A task's outcome: with `--json` the document, else its summary for people. */
  result(document: unknown, summary: () => string): void;
  /** Core progress lines: kept off stdout in `--json` mode, which holds only the document. */
  progress(line: string): void;
  error(text: string): void;
  /** Redrawn transfer progress (bytes, rate) for core: only a task run alone on a TTY, outside CI, without --json. */
  readonly meter?: ProgressMeter;
  /** Output that is not the terminal's records unexpected errors instead of letting them end the process. */
  readonly keepsBugs?: boolean;
}

/** The kinds of line a task prints, i.e. TaskOutput's methods that take one argument. */
export type OutputKind = 'info' | 'warn' | 'json' | 'progress' | 'error';

/** Lines kept off stdout in `--json` mode, which holds only the document. */
const toStderr = (line: string) => process.stderr.write(`${line}\n`);

/** A task run alone writes straight to the terminal, as Nx's own executors do. */
export function consoleOutput(json: boolean): TaskOutput {
  return {
    info: (text) => logger.info(text),
    warn: (text) => logger.warn(text),
    json: printJson,
    result: (document, summary) => (json ? printJson(document) : logger.info(summary())),
    progress: json ? toStderr : (line) => logger.info(line),
    error: (text) => logger.error(text),
    meter: wantsProgress({ json }) ? progressMeter(process.stderr) : undefined,
  };
}

/**
 * In a batch every task's output is collected and handed to Nx as its terminal output, so that
 * tasks running side by side do not interleave their lines. In `--json` mode that output is the
 * document alone, as stdout would be, and the rest goes to stderr. No redrawn progress: the
 * lines of tasks side by side would overwrite each other.
 */
export function bufferedOutput(json: boolean): TaskOutput & { text(): string } {
  const lines: string[] = [];
  const keep = (text: string) => void lines.push(text);
  const aside = json ? toStderr : keep;
  const document = (value: unknown) => keep(JSON.stringify(value, null, 2));
  return {
    info: aside,
    warn: aside,
    json: document,
    result: (value, summary) => (json ? document(value) : keep(summary())),
    progress: aside,
    error: keep,
    keepsBugs: true,
    text: () => (lines.length ? `${lines.join('\n')}\n` : ''),
  };
}

/**
 * Output of a task run by the task worker: each line is handed to `send` as it comes, for the
 * task's own process to print through its consoleOutput. No redrawn progress: the worker is
 * used only where there would be none.
 */
export function forwardedOutput(json: boolean, send: (kind: OutputKind, value: unknown) => void): TaskOutput {
  return {
    info: (text) => send('info', text),
    warn: (text) => send('warn', text),
    json: (document) => send('json', document),
    result: (document, summary) => (json ? send('json', document) : send('info', summary())),
    progress: (line) => send('progress', line),
    error: (text) => send('error', text),
    keepsBugs: true,
  };
}
