// The comparison page: one self-contained file (its data, script and style inline), which
// works from file:// with no server or network.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompareData } from './data.ts';

const HERE = dirname(fileURLToPath(import.meta.url));

/** JSON that cannot end the <script> element it sits in. */
const scriptSafe = (json: string) => json.replace(/</g, '\\u003c');

export function comparePage(data: CompareData): string {
  const title = `union-conformance: ${data.targets.map((t) => t.target).join(', ')}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>${title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</title>
<style>${readFileSync(join(HERE, 'page.css'), 'utf8')}</style>
</head>
<body>
<h1>union-conformance: targets compared</h1>
<div class="controls">
  <fieldset><legend>show</legend>
    <label><input type="radio" name="view" value="all"> every case</label>
    <label><input type="radio" name="view" value="diff"> differences only</label>
    <label><input type="radio" name="view" value="fail"> failures only</label>
  </fieldset>
  <fieldset><legend>targets</legend><span id="targets"></span></fieldset>
  <label>tag <select id="tag"></select></label>
  <label>group by <select id="group"><option value="family">family</option><option value="section">spec section</option></select></label>
  <label>search <input id="q" type="search" placeholder="case id or claim"></label>
  <span id="count" aria-live="polite"></span>
</div>
<div class="wrap"><table id="matrix"><thead></thead><tbody></tbody></table></div>
<aside id="detail" tabindex="-1" hidden></aside>
<script type="application/json" id="data">${scriptSafe(JSON.stringify(data))}</script>
<script>${readFileSync(join(HERE, 'page.js'), 'utf8')}</script>
</body>
</html>
`;
}
