#!/usr/bin/env node
// docs/reference/targets.md and generators.md are rendered from the plugin's executors.json,
// generators.json and their schema.json files, so the option reference cannot drift from what
// Nx validates. `node tools/docs-reference.js` rewrites them; `--check` fails when they are stale
// (a unit test runs the check).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PLUGIN = path.join(ROOT, 'packages/nx-modelos');
const OUT = path.join(ROOT, 'docs/reference');

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** schema.json paths are written for dist/; the sources sit at the same place under src/. */
function sourceSchema(distPath) {
  return path.join(PLUGIN, distPath.replace(/^\.\/dist\//, 'src/'));
}

/** Markdown would take `<git7>` for an HTML tag and `|` for a column. */
function prose(text) {
  return String(text).replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cell(text) {
  return prose(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(property) {
  if (property.enum) return property.enum.map((v) => `\`${v}\``).join(' \\| ');
  if (Array.isArray(property.type)) return property.type.join(' \\| ');
  return property.type ?? (property.oneOf ? property.oneOf.map((p) => p.type).join(' \\| ') : 'any');
}

function defaultOf(property) {
  return property.default === undefined ? '' : `\`${JSON.stringify(property.default)}\``;
}

function optionsTable(schema) {
  const entries = Object.entries(schema.properties ?? {}).filter(([, p]) => p['x-priority'] !== 'internal');
  if (entries.length === 0) return 'No options.\n';
  const required = new Set(schema.required ?? []);
  const rows = entries.map(
    ([name, p]) => `| \`--${name}\`${required.has(name) ? ' (required)' : ''} | ${typeOf(p)} | ${defaultOf(p)} | ${cell(p.description ?? '')} |`,
  );
  return ['| option | type | default | what it does |', '| --- | --- | --- | --- |', ...rows].join('\n') + '\n';
}

function section(name, entry) {
  const schema = readJson(sourceSchema(entry.schema));
  const batch = entry.batchImplementation ? '\nRuns batched (one process for all tasks) with `NX_BATCH_MODE=true`.\n' : '';
  return `## \`${name}\`\n\n${prose(entry.description)}\n\n${prose(schema.description ?? '')}\n${batch}\n${optionsTable(schema)}`;
}

function render() {
  const executors = readJson(path.join(PLUGIN, 'executors.json')).executors;
  const generators = readJson(path.join(PLUGIN, 'generators.json')).generators;
  const header = (title, how) =>
    `# ${title}\n\n<!-- Rendered by tools/docs-reference.js from the plugin's schema.json files: edit those, then run it. -->\n\n${how}\n\n`;
  return {
    'targets.md':
      header(
        'Targets (executors) of @modelos/nx',
        'Every resource gets these targets, inferred by the plugin (`nx show project <name>` lists them). Run one with `nx run <resource>:<target> [--option value]`, or over many resources with `nx run-many -t <target>` / `nx affected -t <target>`. A target refuses an option it does not list below (`\'dryrun\' is not found in schema`): a typo never runs as if the option were not given.',
      ) + Object.entries(executors).map(([name, entry]) => section(name, entry)).join('\n'),
    'generators.md':
      header('Generators of @modelos/nx', 'Run one with `nx g @modelos/nx:<generator> [options]`; every generator takes `--dry-run`.') +
      Object.entries(generators).map(([name, entry]) => section(name, entry)).join('\n'),
  };
}

function main(argv) {
  const files = render();
  if (argv.includes('--check')) {
    const stale = Object.entries(files).filter(([file, text]) => {
      const target = path.join(OUT, file);
      return !fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text;
    });
    if (stale.length) {
      console.error(`docs/reference is stale (${stale.map(([f]) => f).join(', ')}): run node tools/docs-reference.js`);
      return 1;
    }
    return 0;
  }
  fs.mkdirSync(OUT, { recursive: true });
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(OUT, file), text);
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
