import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, testArtifactsDir } from '../test-support/browser';
import { sampleReportModel } from '../test-support/report-model';
import { renderReport } from './render-report';

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'modelos-report-'));
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Opens the page from disk as a person would; records every request it makes. */
async function open(html: string, width = 1200): Promise<{ page: Page; requests: string[] }> {
  const file = join(dir, `report-${Math.random().toString(36).slice(2)}.html`);
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready="true"]');
  return { page, requests };
}

describe('renderReport', () => {
  it('gives the same bytes for the same model, with no generation time in them', () => {
    const model = sampleReportModel(3);
    expect(renderReport(model)).toBe(renderReport(sampleReportModel(3)));
    expect(renderReport(model)).not.toContain(String(new Date().getUTCFullYear() + 0) + '-' + String(new Date().getUTCMonth() + 1).padStart(2, '0'));
  });

  it('keeps registry text from closing the data script or injecting markup', () => {
    const model = sampleReportModel(2);
    model.versions[0].author = '</script><img src=x onerror=alert(1)>';
    model.versions[0].labels.experiment = '<b>bold</b>';
    const html = renderReport(model);
    expect(html).not.toContain('</script><img');
    expect(html).not.toContain('<b>bold</b>');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('renders charts, tables, environments and the compare view in a real browser, with no request leaving the file', async () => {
    const { page, requests } = await open(renderReport(sampleReportModel(3)));
    expect(requests.every((url) => url.startsWith('file:'))).toBe(true);

    // One chart per metric, one point per release, the production release marked.
    expect(await page.locator('figure.metric').evaluateAll((figs) => figs.map((f) => f.getAttribute('data-metric')))).toEqual(['accuracy', 'latency_ms']);
    expect(await page.locator('figure[data-metric="accuracy"] circle').count()).toBe(3);
    expect(await page.locator('figure[data-metric="accuracy"] circle.env title').textContent()).toBe('v1.0.0: accuracy 0.8 (production)');

    // The numbers behind the charts, as a table.
    const metricRows = await page.locator('#metrics-table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(metricRows).toEqual([
      ['v1.0.0', '0.8', '50', 'production'],
      ['v1.1.0', '0.875', '40', '—'],
      ['v1.2.0', '0.95', '30', '—'],
    ]);

    // Versions newest first: the two adhoc versions, then releases.
    const tags = await page.locator('#versions-table tbody th').allTextContents();
    expect(tags).toEqual(['abc1231-0000000-bbbbbbb', 'abc1230-0000000-bbbbbbb', 'v1.2.0', 'v1.1.0', 'v1.0.0']);

    // The environment: current split and its history from what to what.
    const split = await page.locator('[data-env="production"] .split li').evaluateAll((items) =>
      items.map((li) => [li.querySelector('.split-label')!.textContent, li.querySelector('.split-value')!.textContent]),
    );
    expect(split).toEqual([['v1.0.0', '100.0%']]);
    const history = await page.locator('[data-env="production"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(history[1]).toEqual(['2026-02-02 10:00:00 UTC', 'linus', 'v1.0.0=100', 'v1.0.0=90, v1.2.0=10', '2', 'canary']);

    // Compare defaults to the previous release against the newest.
    expect(await page.locator('#compare-result h3').textContent()).toBe('v1.1.0 → v1.2.0');
    expect(await page.locator('#compare-result [data-compare="size"]').textContent()).toBe('Size: 1010 → 1020 bytes, +10 (+1.0%)');
    const compared = await page.locator('#compare-result table').first().locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(compared[0]).toEqual(['accuracy', '0.875', '0.95', '+0.075', '+8.6%']);
    const labels = await page.locator('#compare-result [aria-label="Labels"] table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(labels).toEqual([['experiment', 'run-1', 'run-2']]);
    expect(await page.locator('#compare-result [data-compare="interface"]').textContent()).toBe('Interface: minor — interface grew since v1.1.0: added method slice.');
    // File records travel once in the page and are unpacked for the comparison.
    const files = await page.locator('#compare-result [aria-label="Files"] table').locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
    expect(files).toEqual([['ham', 'changed', 'src/ham.ts', '101 → 102']]);
    await page.close();
  });

  it('keeps the environment labels of the first and the last release inside their chart', async () => {
    const model = sampleReportModel(3);
    model.versions[0].environments = ['production 75%', 'staging 50%'];
    model.versions[2].environments = ['production 25%', 'canary 100%'];
    const { page } = await open(renderReport(model));
    // A string: the page's SVG types are not in this project's (Node) type library.
    const overflow = await page.evaluate<Array<{ text: string; inside: boolean }>>(`(() => {
      const svg = document.querySelector('figure[data-metric="accuracy"] svg');
      const box = svg.viewBox.baseVal;
      return [...svg.querySelectorAll('text.env-label')].map((label) => {
        const b = label.getBBox();
        return { text: label.textContent, inside: b.x >= box.x && b.x + b.width <= box.x + box.width };
      });
    })()`);
    expect(overflow).toEqual([
      { text: 'production 75%, staging 50%', inside: true },
      { text: 'production 25%, canary 100%', inside: true },
    ]);
    await page.close();
  });

  it('is usable by keyboard: tabbing reaches the compare selects, and choosing a version updates the result', async () => {
    const { page } = await open(renderReport(sampleReportModel(3)));
    let focused = '';
    for (let i = 0; i < 40 && focused !== 'compare-from'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>("document.activeElement?.id ?? ''");
    }
    expect(focused).toBe('compare-from');
    await page.selectOption('#compare-from', 'v1.0.0');
    await page.locator('#compare-from').press('Enter');
    expect(await page.locator('#compare-result h3').textContent()).toBe('v1.0.0 → v1.2.0');
    expect(await page.locator('#compare-result [data-compare="interface"]').textContent()).toBe(
      `Interface differs (client hash aaaaaaa → bbbbbbb).`,
    );
    await page.close();
  });

  it('wraps a long reason in the environment history at 1280 px: the whole row is on screen, no sideways scroll', async () => {
    const model = sampleReportModel(3);
    const reason = 'rolled back after the canary raised p99 latency from 40 ms to 310 ms on the EU shard; see incident 4711 for the traces and the fix';
    model.environments[0].history[1] = { ...model.environments[0].history[1], reason };
    const { page } = await open(renderReport(model), 1280);
    const wrap = await page.locator('[data-env="production"] .table-wrap').evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(wrap.scroll).toBeLessThanOrEqual(wrap.client);
    expect(await page.locator('[data-env="production"] tbody tr').nth(1).locator('td').last().textContent()).toBe(reason);
    await page.close();
  });

  it('reads in a narrow window and renders 500 releases; screenshots kept as artifacts', async () => {
    const artifacts = testArtifactsDir();
    mkdirSync(artifacts, { recursive: true });
    const small = await open(renderReport(sampleReportModel(3)), 375);
    // Nothing wider than the window but the scrollable tables themselves.
    expect(await small.page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await small.page.screenshot({ path: join(artifacts, 'report-narrow.png'), fullPage: true });
    await small.page.close();

    const html = renderReport(sampleReportModel(500));
    expect(Buffer.byteLength(html)).toBeLessThan(2_000_000);
    const large = await open(html);
    expect(await large.page.locator('figure[data-metric="accuracy"] circle').count()).toBe(500);
    await large.page.screenshot({ path: join(artifacts, 'report-500.png') });
    await large.page.close();
  });
});
