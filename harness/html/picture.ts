// results/compare.png, the README's picture of the page: failures only, the
// first failing fuse-overlayfs case open with its diff. `make compare` draws
// it after writing the page; the HTML test draws it into a scratch file.
// usage: node --import tsx harness/html/picture.ts RESULTS_DIR
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { CHROMIUM, launch } from './browser.ts';
import type { CompareData } from './data.ts';

/** Shows the picture's view of the page `html` (made from `data`) in `page` and saves it as `png`. */
export async function drawPicture(page: Page, html: string, data: CompareData, png: string): Promise<void> {
  const failing = data.cases.find((c) => (c.results['fuse-overlayfs']?.verdict ?? '').startsWith('fail'));
  const view = failing === undefined
    ? ''
    : `#view=fail&targets=overlayfs,fuse-overlayfs,plain&open=${failing.family}&case=${encodeURIComponent(failing.id)}&t=fuse-overlayfs`;
  await page.goto(`${pathToFileURL(html).href}${view}`);
  await page.waitForSelector('body[data-ready=yes]');
  await page.screenshot({ path: png });
}

async function main(dir: string): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    process.stderr.write(`compare.png not redrawn: ${CHROMIUM} is not installed (apt-get install chromium)\n`);
    return;
  }
  const data = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as CompareData;
  const browser = await launch();
  try {
    await drawPicture(await browser.context.newPage(), join(dir, 'compare.html'), data, join(dir, 'compare.png'));
  } finally {
    await browser.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv[2] ?? 'results').catch((err: unknown) => {
    process.stderr.write(`compare.png: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
