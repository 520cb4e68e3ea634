// results/compare.html in a real browser: a page made by a small compare run of its own
// (a slice of the suite on plain, overlayfs and fuse-overlayfs), and the full results where present.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { CaseRow, CompareData } from '../harness/html/data.ts';
import { CHROMIUM, launch } from '../harness/html/browser.ts';
import { drawPicture } from '../harness/html/picture.ts';
import { ROOT, runMounts } from './fixtures/util.ts';

const dir = mkdtempSync(join(tmpdir(), 'union-conformance-html-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const CLI = join(ROOT, 'harness/bin/union-conformance');
const TARGETS = ['plain', 'overlayfs', 'fuse-overlayfs'];

const made = spawnSync(CLI, ['--compare', '--results', dir, '--filter', 'what-happens/', '--filter', 'copyup/chmod/', '--filter', 'readdir/', ...TARGETS], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`compare run failed (${made.status}): ${made.stderr}`);
const data = JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8')) as CompareData;
const pageUrl = (file: string, hash = '') => `${pathToFileURL(file).href}${hash}`;

// What each view must show, from the JSON alone.
const cls = (v: string | undefined) => (v ?? 'not run').split(':')[0]!;
const verdicts = (c: CaseRow, targets: string[]) => targets.map((t) => c.results[t]?.verdict);
const expected = {
  diff: (targets: string[]) => data.cases.filter((c) => new Set(verdicts(c, targets).filter((v) => v !== undefined && cls(v) !== 'skip')).size > 1).length,
  fail: (targets: string[]) => data.cases.filter((c) => verdicts(c, targets).some((v) => cls(v) === 'fail')).length,
  tag: (tag: string) => data.cases.filter((c) => verdicts(c, TARGETS).some((v) => cls(v) === 'deviation' && v!.slice(10).split('+').includes(tag))).length,
  q: (q: string) => data.cases.filter((c) => c.id.includes(q) || c.claim.toLowerCase().includes(q)).length,
};

const caseRows = (page: Page) => page.locator('tr.case').count();
const shownCount = async (page: Page) => Number(await page.locator('#count').getAttribute('data-n'));

t.test('the browser is Debian\'s chromium', async (t) => {
  t.ok(existsSync(CHROMIUM), `${CHROMIUM} is installed (make deps installs the chromium package)`);
});

/** A new page in a new browser (closed with the test), and the console errors it reports. */
async function watchedPage(t: Test) {
  const browser = await launch();
  t.teardown(browser.close);
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  return { browser, page, errors };
}

t.test('the page in chromium', async (t) => {
  t.ok(data.cases.some((c) => Object.values(c.results).some((r) => cls(r.verdict) === 'fail')), 'the slice has a failing cell');
  t.ok(expected.diff(TARGETS) > 0 && expected.diff(TARGETS) < data.cases.length, 'the slice has differences and agreements');
  const { browser, page, errors } = await watchedPage(t);
  // file:// and nothing else: a request elsewhere would be the page reaching out.
  const elsewhere: string[] = [];
  page.on('request', (r) => { if (!r.url().startsWith('file://')) elsewhere.push(r.url()); });
  await page.goto(pageUrl(join(dir, 'compare.html')));
  await page.waitForSelector('body[data-ready=yes]');

  t.test('it loads from file:// with no console error and no request elsewhere', async (t) => {
    t.same(errors, []);
    t.same(elsewhere, []);
  });

  t.test('its totals equal the JSON\'s, with percentages', async (t) => {
    for (const target of data.targets) {
      for (const k of ['pass', 'deviation', 'fail', 'skip'] as const) {
        const cell = page.locator(`tr.totals td[data-target="${target.target}"] [data-count=${k}]`);
        t.equal(Number(await cell.getAttribute('data-n')), target.counts[k], `${target.target} ${k}`);
        t.match(await cell.textContent(), new RegExp(`^${k} ${target.counts[k]} \\(\\d+\\.\\d%\\)$`));
      }
      t.match(await page.locator(`thead th[data-target="${target.target}"]`).textContent(), target.versions.kernel!, 'the kernel release in the header');
    }
    t.match(await page.locator('thead th[data-target="fuse-overlayfs"]').textContent(), /fuse-overlayfs 1?\d+\.\d+/, 'fuse-overlayfs --version in its header');
  });

  t.test('each filter gives the expected row count', async (t) => {
    t.equal(await caseRows(page), data.cases.length, 'every case');
    await page.check('input[name=view][value=diff]');
    t.equal(await caseRows(page), expected.diff(TARGETS), 'differences only');
    t.equal(await shownCount(page), expected.diff(TARGETS));
    await page.check('input[name=view][value=fail]');
    t.equal(await caseRows(page), expected.fail(TARGETS), 'failures only');
    // By target: only plain and overlayfs, where nothing fails.
    await page.uncheck('#targets input[value="fuse-overlayfs"]');
    t.equal(await caseRows(page), expected.fail(['plain', 'overlayfs']), 'failures only, fuse-overlayfs left out');
    t.equal(await page.locator('thead th[data-target]').count(), 2, 'two target columns');
    await page.check('#targets input[value="fuse-overlayfs"]');
    await page.check('input[name=view][value=all]');
    for (const tag of ['posix', 'in-memory-readdir', 'redirect-dir']) {
      await page.selectOption('#tag', tag);
      t.equal(await caseRows(page), expected.tag(tag), `tag ${tag}`);
    }
    await page.selectOption('#tag', '');
    await page.fill('#q', 'rmdir');
    t.equal(await caseRows(page), expected.q('rmdir'), 'search rmdir');
    t.ok(expected.q('rmdir') > 0);
    await page.fill('#q', '');
    t.equal(await caseRows(page), data.cases.length, 'every case again');
  });

  t.test('clicking a failing cell shows its diff', async (t) => {
    const c = data.cases.find((x) => cls(x.results['fuse-overlayfs']?.verdict) === 'fail')!;
    const diff = c.results['fuse-overlayfs']!.diff!;
    t.ok(diff.includes('@@'), 'the JSON has the diff');
    const group = page.locator(`tr.group-row[data-group="${c.family}"] button.group`);
    if ((await group.getAttribute('aria-expanded')) === 'false') await group.click();
    await page.click(`tr.case[data-id="${c.id}"] td[data-target="fuse-overlayfs"] button`);
    await page.waitForSelector('#detail:not([hidden])');
    t.equal(await page.locator('#detail h2').textContent(), c.id);
    t.equal(await page.locator('#detail pre.diff').textContent(), `${diff.split('\n').join('\n')}\n`);
    t.equal(await page.locator('#detail pre.steps').textContent(), c.steps.join('\n'));
    await page.keyboard.press('Escape');
    t.ok(await page.locator('#detail').isHidden(), 'Escape closes it');
    // From the keyboard: a focused cell opens with Enter.
    await page.focus(`tr.case[data-id="${c.id}"] td[data-target="fuse-overlayfs"] button`);
    await page.keyboard.press('Enter');
    t.equal(await page.locator('#detail h2').textContent(), c.id, 'Enter on a cell opens it');
  });

  t.test('a URL hash restores its view', async (t) => {
    const c = data.cases.find((x) => cls(x.results['fuse-overlayfs']?.verdict) === 'fail')!;
    await page.check('input[name=view][value=fail]');
    await page.fill('#q', c.id.split('/')[0]!);
    const hash = await page.evaluate(() => location.hash);
    t.match(hash, /view=fail/);
    const again = await browser.context.newPage();
    await again.goto(pageUrl(join(dir, 'compare.html'), hash));
    await again.waitForSelector('body[data-ready=yes]');
    t.equal(await caseRows(again), await caseRows(page), 'the same rows');
    t.ok(await again.isChecked('input[name=view][value=fail]'));
    t.equal(await again.inputValue('#q'), c.id.split('/')[0]);
    t.equal(await again.locator('#detail h2').textContent(), c.id, 'the open case');
    const other = await browser.context.newPage();
    await other.goto(pageUrl(join(dir, 'compare.html'), `#targets=plain&tag=posix&case=${encodeURIComponent(c.id)}&t=plain`));
    await other.waitForSelector('body[data-ready=yes]');
    t.equal(await other.locator('thead th[data-target]').count(), 1, 'one target column');
    t.equal(await caseRows(other), data.cases.filter((x) => cls(x.results.plain?.verdict) === 'deviation').length, 'the posix deviations of plain');
  });

  t.test('at phone width nothing but the table scrolls sideways', async (t) => {
    await page.setViewportSize({ width: 390, height: 800 });
    t.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no page-wide horizontal scroll');
  });
});

t.test('--html FILE writes the page of a single run', async (t) => {
  const file = join(dir, 'single.html');
  const r = spawnSync(CLI, ['--target', 'plain', '--filter', 'what-happens/', '--html', file], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const json = /<script type="application\/json" id="data">(.*?)<\/script>/s.exec(readFileSync(file, 'utf8'))?.[1];
  const single = JSON.parse(json!) as CompareData;
  t.same(single.targets.map((x) => x.target), ['plain']);
  const totals = /plain: (\d+) cases: (\d+) pass, (\d+) deviation, (\d+) fail, (\d+) skip/.exec(r.stdout)!;
  t.same([single.cases.length, ...Object.values(single.targets[0]!.counts)], totals.slice(1).map(Number), 'the counts the run printed');
});

const FULL = join(ROOT, 'results/compare.json');
t.test('the full results page', { skip: existsSync(FULL) ? false : 'results/compare.json is not there (make compare writes it)' }, async (t) => {
  const full = JSON.parse(readFileSync(FULL, 'utf8')) as CompareData;
  const { page, errors } = await watchedPage(t);
  await page.goto(pageUrl(join(ROOT, 'results/compare.html')));
  await page.waitForSelector('body[data-ready=yes]');
  t.same(errors, []);
  for (const target of full.targets) {
    const n = await page.locator(`tr.totals td[data-target="${target.target}"] [data-count=fail]`).getAttribute('data-n');
    t.equal(Number(n), target.counts.fail, `${target.target}: failures as the JSON says`);
  }
  t.equal(await caseRows(page), full.cases.length);
  // The README's picture, drawn as make compare draws it, into a scratch file: a test changes nothing under results/.
  const png = join(dir, 'compare.png');
  await drawPicture(page, join(ROOT, 'results/compare.html'), full, png);
  t.same(readFileSync(png).subarray(0, 8), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), 'a PNG');
  t.same(errors, []);
});

t.test('the compare run left no mounts', async (t) => {
  t.same(runMounts(made.pid ?? -1), []);
});
