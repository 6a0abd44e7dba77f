#!/usr/bin/env node
// The report page at 2 and at 500 releases: model size, page bytes, render time, and the time
// headless Chromium takes to open it and run its script (run `npm run build` first).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { printTable } = require('./bench-table');

const CORE = path.join(__dirname, '..', 'packages', 'versioning-core', 'dist');
const { renderReport } = require(path.join(CORE, 'report', 'render-report.js'));
const { chromium } = require('playwright-core');

/** A resource with `releases` releases, two metrics, 40 files each, and an environment with history. */
function reportModel(releases) {
  const versions = Array.from({ length: releases }, (_, i) => ({
    tag: `v1.${i}.0`,
    kind: 'release',
    version: `1.${i}.0`,
    digest: `sha256:${i.toString(16).padStart(64, '0')}`,
    created: new Date(Date.UTC(2026, 0, 1) + i * 3600e3).toISOString(),
    author: 'Ada <ada@example.com>',
    size: 200 * 2 ** 20 + i,
    clientHash: (i >> 4).toString(16).padStart(64, 'a'),
    metrics: { accuracy: 0.8 + (0.15 * i) / releases, latency_ms: 50 - (20 * i) / releases },
    labels: { experiment: `run-${i}` },
    environments: i === 0 ? ['production'] : [],
    files: { ham: Array.from({ length: 40 }, (_, f) => ({ path: `src/file-${f}.ts`, size: 1000 + f, sha256: ((i * 40 + f) % 97).toString(16).padStart(64, 'c') })) },
  }));
  const entry = (weights, reason) => ({ time: '2026-03-01T10:00:00Z', who: 'ada', reason, weights, replicas: 2 });
  const history = [entry({ 'v1.0.0': 100 }, 'promote'), entry({ 'v1.0.0': 90, [`v1.${releases - 1}.0`]: 10 }, 'canary')];
  return { resource: 'ham', repository: '127.0.0.1:5000/ml/ham', versions, environments: [{ name: 'production', current: history[1], history }], interfaceChanges: [] };
}

function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

async function measure(browser, releases, dir) {
  const model = reportModel(releases);
  const started = process.hrtime.bigint();
  const html = renderReport(model);
  const renderMs = Number(process.hrtime.bigint() - started) / 1e6;
  const file = path.join(dir, `report-${releases}.html`);
  fs.writeFileSync(file, html);
  const page = await browser.newPage();
  const opened = Date.now();
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]');
  const openMs = Date.now() - opened;
  await page.close();
  return [String(releases), (Buffer.byteLength(html) / 1024).toFixed(1), renderMs.toFixed(1), String(openMs)];
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
  const browser = await launchChromium();
  try {
    const rows = [];
    for (const releases of [2, 500]) rows.push(await measure(browser, releases, dir));
    printTable(['releases', 'page KiB', 'render ms', 'open in chromium ms'], rows);
  } finally {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
