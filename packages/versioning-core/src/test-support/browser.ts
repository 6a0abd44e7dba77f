import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's chromium, headless, as people would open a page: no sandbox (tests run as root),
 * and none of the background traffic that this machine's closed network would refuse.
 * Playwright gives it a fresh, empty profile of its own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where tests leave what a person would look at (screenshots); kept after the run. */
export function testArtifactsDir(): string {
  return process.env.MODELOS_TEST_ARTIFACTS ?? join(__dirname, '../../../../test-artifacts');
}
