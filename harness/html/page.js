// The comparison page's script: everything it shows comes from the JSON in #data.
'use strict';
const data = JSON.parse(document.getElementById('data').textContent);
const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const k of kids) e.append(k);
  return e;
};
const classOf = (v) => (v ?? 'not run').split(':')[0];
const tagsOf = (v) => (classOf(v) === 'deviation' ? v.slice('deviation:'.length).split('+') : []);
const explain = (v) => {
  if (classOf(v) === 'deviation') return tagsOf(v).map((t) => `${t}: ${data.tags[t] ?? 'undocumented tag'}`).join('; ');
  return v ?? 'not run';
};

// The view, kept in the URL hash: view=all|diff|fail, targets=a,b, tag, q, group=family|section, open=g1,g2, case, t.
const state = { view: 'all', targets: [], tag: '', q: '', group: 'family', open: [], case: '', t: '' };
function readHash() {
  const h = new URLSearchParams(location.hash.slice(1));
  state.view = ['all', 'diff', 'fail'].includes(h.get('view')) ? h.get('view') : 'all';
  const known = data.targets.map((t) => t.target);
  const wanted = (h.get('targets') ?? '').split(',').filter((t) => known.includes(t));
  state.targets = wanted.length ? wanted : known;
  state.tag = h.get('tag') ?? '';
  state.q = h.get('q') ?? '';
  state.group = h.get('group') === 'section' ? 'section' : 'family';
  state.open = (h.get('open') ?? '').split(',').filter(Boolean);
  state.case = h.get('case') ?? '';
  state.t = h.get('t') ?? '';
}
function writeHash() {
  const h = new URLSearchParams();
  if (state.view !== 'all') h.set('view', state.view);
  if (state.targets.length !== data.targets.length) h.set('targets', state.targets.join(','));
  if (state.tag) h.set('tag', state.tag);
  if (state.q) h.set('q', state.q);
  if (state.group !== 'family') h.set('group', state.group);
  if (state.open.length) h.set('open', state.open.join(','));
  if (state.case) h.set('case', state.case);
  if (state.t) h.set('t', state.t);
  const next = `#${h}`;
  if (location.hash !== next) history.replaceState(null, '', next === '#' ? location.pathname : next);
}

// Which rows a view shows: the same rules compare.md states (a skip has no say in a difference).
function shown(c) {
  const verdicts = state.targets.map((t) => c.results[t]?.verdict);
  if (state.view === 'diff') {
    const said = verdicts.filter((v) => v !== undefined && classOf(v) !== 'skip');
    if (new Set(said).size < 2) return false;
  }
  if (state.view === 'fail' && !verdicts.some((v) => classOf(v) === 'fail')) return false;
  if (state.tag && !verdicts.some((v) => tagsOf(v).includes(state.tag))) return false;
  if (state.q) {
    const q = state.q.toLowerCase();
    if (!c.id.toLowerCase().includes(q) && !c.claim.toLowerCase().includes(q)) return false;
  }
  return true;
}

const pct = (n, total) => (total ? `${((100 * n) / total).toFixed(1)}%` : '–');
const visibleTargets = () => data.targets.filter((t) => state.targets.includes(t.target));

function header() {
  const row = el('tr', {}, el('th', { scope: 'col', class: 'case-col', text: 'case' }));
  for (const t of visibleTargets()) {
    const versions = Object.entries(t.versions).map(([k, v]) => `${k} ${v}`).join(' · ');
    row.append(el('th', { scope: 'col', 'data-target': t.target },
      el('div', { class: 'tname', text: t.name }),
      el('div', { class: 'topts', text: t.options.join(',') || 'default options' }),
      el('div', { class: 'tver', text: versions })));
  }
  const totals = el('tr', { class: 'totals' }, el('th', { scope: 'row', text: 'totals' }));
  for (const t of visibleTargets()) {
    const td = el('td', { 'data-target': t.target });
    for (const k of ['pass', 'deviation', 'fail', 'skip']) {
      td.append(el('div', { class: `v-${k}`, 'data-count': k, 'data-n': String(t.counts[k]), text: `${k} ${t.counts[k]} (${pct(t.counts[k], t.cases)})` }));
    }
    totals.append(td);
  }
  return [row, totals];
}

function cellButton(c, t) {
  const r = c.results[t.target];
  const v = r?.verdict;
  const cls = classOf(v);
  const label = cls === 'deviation' ? tagsOf(v).join('+') : cls === 'not run' ? '—' : cls;
  return el('td', { class: `v-${cls.replace(' ', '-')}`, 'data-target': t.target },
    el('button', { type: 'button', class: 'cell', title: explain(v), 'aria-label': `${c.id} on ${t.target}: ${v ?? 'not run'}`,
      onclick: () => { state.case = c.id; state.t = t.target; update(); $('#detail').focus(); } }, label));
}

function groupSummary(rows, t) {
  const counts = {};
  for (const c of rows) {
    const k = classOf(c.results[t.target]?.verdict);
    counts[k] = (counts[k] ?? 0) + 1;
  }
  const worst = ['fail', 'deviation', 'pass', 'skip', 'not run'].find((k) => counts[k]) ?? 'not run';
  return el('td', { class: `v-${worst.replace(' ', '-')} group-cell`, title: Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ') },
    `${counts.pass ?? 0}/${rows.length}`);
}

function body() {
  const rows = data.cases.filter(shown);
  $('#count').textContent = `${rows.length} of ${data.cases.length} cases`;
  $('#count').dataset.n = String(rows.length);
  const groups = new Map();
  for (const c of rows) {
    const g = state.group === 'section' ? c.spec : c.family;
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(c);
  }
  const out = [];
  const filtering = state.view !== 'all' || state.tag !== '' || state.q !== '';
  for (const [g, list] of groups) {
    const open = state.open.includes(g) || (filtering && list.length <= 50);
    const toggle = el('button', { type: 'button', class: 'group', 'aria-expanded': String(open),
      onclick: () => { state.open = open ? state.open.filter((x) => x !== g) : [...state.open, g]; update(); } },
      `${open ? '▾' : '▸'} ${g} (${list.length})`);
    const head = el('tr', { class: 'group-row', 'data-group': g }, el('th', { scope: 'row' }, toggle));
    for (const t of visibleTargets()) head.append(groupSummary(list, t));
    out.push(head);
    for (const c of list) {
      const tr = el('tr', { class: 'case', 'data-id': c.id, 'data-group': g }, el('th', { scope: 'row', class: 'case-col', title: c.claim, text: c.id }));
      if (!open) tr.hidden = true;
      for (const t of visibleTargets()) tr.append(cellButton(c, t));
      out.push(tr);
    }
  }
  return out;
}

function detail() {
  const box = $('#detail');
  box.replaceChildren();
  const c = data.cases.find((x) => x.id === state.case);
  box.hidden = !c;
  if (!c) return;
  const r = c.results[state.t];
  box.append(
    el('button', { type: 'button', class: 'close', 'aria-label': 'close', onclick: () => { state.case = ''; state.t = ''; update(); } }, '×'),
    el('h2', { text: c.id }),
    el('p', {}, el('strong', { text: 'claim: ' }), c.claim),
    el('p', {}, el('strong', { text: 'spec section: ' }), c.spec),
  );
  if (c.specSentence) box.append(el('blockquote', { class: 'spec', text: c.specSentence }));
  if (c.posix) box.append(el('p', {}, el('strong', { text: 'unlike a plain directory: ' }), c.posix));
  box.append(el('h3', { text: 'layers' }), el('pre', { class: 'layers', text: c.layers }));
  box.append(el('h3', { text: 'steps' }), el('pre', { class: 'steps', text: c.steps.join('\n') }));
  box.append(el('h3', { text: state.t ? `${state.t}: ${r?.verdict ?? 'not run'}` : 'pick a target' }));
  if (r && classOf(r.verdict) === 'deviation') box.append(el('p', { class: 'explain', text: explain(r.verdict) }));
  if (r?.error) box.append(el('pre', { class: 'error', text: r.error }));
  if (r?.diff) {
    const pre = el('pre', { class: 'diff' });
    for (const line of r.diff.split('\n')) {
      const k = line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : '';
      pre.append(el('span', { class: k, text: `${line}\n` }));
    }
    box.append(pre);
  } else if (r && classOf(r.verdict) === 'pass') box.append(el('p', { text: 'the transcript equals its golden.' }));
}

function controls() {
  for (const b of document.querySelectorAll('input[name=view]')) b.checked = b.value === state.view;
  $('#group').value = state.group;
  $('#q').value = state.q;
  const tag = $('#tag');
  if (!tag.options.length) {
    tag.append(el('option', { value: '', text: 'any tag' }));
    for (const t of Object.keys(data.tags)) tag.append(el('option', { value: t, title: data.tags[t], text: t }));
  }
  tag.value = state.tag;
  const box = $('#targets');
  if (!box.children.length) {
    for (const t of data.targets) {
      box.append(el('label', {}, el('input', { type: 'checkbox', value: t.target, onchange: (e) => {
        const on = [...box.querySelectorAll('input:checked')].map((i) => i.value);
        state.targets = on.length ? on : data.targets.map((x) => x.target);
        update();
      } }), ` ${t.target}`));
    }
  }
  for (const i of box.querySelectorAll('input')) i.checked = state.targets.includes(i.value);
}

function update() {
  writeHash();
  controls();
  const [head, totals] = header();
  $('#matrix thead').replaceChildren(head, totals);
  $('#matrix tbody').replaceChildren(...body());
  detail();
}

for (const b of document.querySelectorAll('input[name=view]')) b.addEventListener('change', () => { state.view = b.value; update(); });
$('#group').addEventListener('change', (e) => { state.group = e.target.value; state.open = []; update(); });
$('#tag').addEventListener('change', (e) => { state.tag = e.target.value; update(); });
$('#q').addEventListener('input', (e) => { state.q = e.target.value; update(); });
document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.case) { state.case = ''; state.t = ''; update(); } });
window.addEventListener('hashchange', () => { readHash(); update(); });
readHash();
update();
document.body.dataset.ready = 'yes';
