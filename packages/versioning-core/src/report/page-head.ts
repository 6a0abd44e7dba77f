import * as fs from 'node:fs';
import * as path from 'node:path';
import { escapeHtml } from './html';
import { byCodeUnits } from '../code-unit-order';

/** The pages' style and script ship as files beside this module (copied to dist with it). */
export function asset(name: string): string {
  return fs.readFileSync(path.join(__dirname, 'assets', name), 'utf8');
}

/** Doctype to `</head>`: inline style, and a policy telling the browser the page makes no request. */
export function pageHead(title: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}</title>`,
    `<style>${asset('report.css')}</style>`,
    '</head>',
  ].join('\n');
}

/** `v1.0.0=90, v1.1.0=10`, versions sorted. */
export function splitText(weights: Record<string, number>): string {
  return Object.entries(weights)
    .sort(([a], [b]) => byCodeUnits(a, b))
    .map(([version, weight]) => `${version}=${weight}`)
    .join(', ');
}
