/** JSON with comments and trailing commas, as tsconfig files are written. */
export function parseJsonc(text: string): unknown {
  return JSON.parse(withoutTrailingCommas(withoutComments(text)));
}

// Matches strings first so that `//`, `/*` and `,}` inside them are kept.
const STRING = /"(?:[^"\\]|\\.)*"/.source;

function withoutComments(text: string): string {
  return text.replace(new RegExp(`${STRING}|//[^\\n]*|/\\*[\\s\\S]*?\\*/`, 'g'), (part) => (part.startsWith('"') ? part : ' '));
}

function withoutTrailingCommas(text: string): string {
  return text.replace(new RegExp(`${STRING}|,(?=\\s*[}\\]])`, 'g'), (part) => (part.startsWith('"') ? part : ''));
}
