/**
 * `--json`: one document on stdout, starting and ending on lines of its own so that it can be
 * cut out from between Nx's banners (its opening and closing brace or bracket are the only
 * unindented lines: `versions` and `releases` print arrays, the other targets objects).
 */
export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
}
