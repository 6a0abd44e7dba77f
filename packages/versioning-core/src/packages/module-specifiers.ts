import ts = require('../typescript');

export interface SpecifierSpan {
  specifier: string;
  /** Offsets of the specifier's text inside its quotes. */
  start: number;
  end: number;
}

/**
 * Module specifiers of a TypeScript, JavaScript or declaration text: `import`/`export … from`,
 * `import x = require()`, `require()`, `import()` and `import("…")` types. Parsed, not scanned, so
 * that a rewrite can replace exactly these strings.
 */
export function moduleSpecifiers(text: string, fileName: string): SpecifierSpan[] {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const spans: SpecifierSpan[] = [];
  const add = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteralLike(node)) spans.push({ specifier: node.text, start: node.getStart(sourceFile) + 1, end: node.end - 1 });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isExternalModuleReference(node)) add(node.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    else if (ts.isCallExpression(node) && node.arguments.length >= 1 && isRequireOrImport(node.expression)) add(node.arguments[0]);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return spans.sort((a, b) => a.start - b.start);
}

function isRequireOrImport(callee: ts.Expression): boolean {
  return callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require');
}

/** `text` with each specifier replaced by `replace(specifier)` (undefined keeps it). */
export function rewriteSpecifiers(text: string, fileName: string, replace: (specifier: string) => string | undefined): string {
  let out = '';
  let from = 0;
  for (const span of moduleSpecifiers(text, fileName)) {
    const replacement = replace(span.specifier);
    if (replacement === undefined) continue;
    out += text.slice(from, span.start) + replacement;
    from = span.end;
  }
  return out + text.slice(from);
}
