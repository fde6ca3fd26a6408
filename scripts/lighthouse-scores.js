// Prints the Lighthouse scores of one page from one or more JSON reports (one
// per run), the audits that cost points in the median run, and exits 1 when a
// target of issue 9 is missed.
//
//   node scripts/lighthouse-scores.js PATH REPORT.json [REPORT.json...]
//
// Performance depends on the machine's load, so it is judged on the median
// run (what Lighthouse's documentation advises); accessibility, best
// practices and SEO do not, so every run must meet them. Used by
// scripts/lighthouse.sh.
'use strict';
const fs = require('fs');

const [path, ...files] = process.argv.slice(2);
const targets = {performance: 95, accessibility: 100, 'best-practices': 100, seo: 100};
const reports = files.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));

function score(report, id) {
  const cat = report.categories[id];
  return cat && cat.score !== null ? Math.round(cat.score * 100) : NaN;
}

// Runs sorted by performance score; the median is the middle one (the lower
// middle for an even count).
const byPerf = reports.slice().sort((a, b) => score(a, 'performance') - score(b, 'performance'));
const median = byPerf[Math.floor((byPerf.length - 1) / 2)];

let ok = true;
const cols = [];
for (const [id, target] of Object.entries(targets)) {
  const values = reports.map((r) => score(r, id));
  const judged = id === 'performance' ? score(median, id) : Math.min(...values);
  const pass = judged >= target;
  ok = ok && pass;
  let col = `${id} ${Number.isNaN(judged) ? '?' : judged}`;
  if (id === 'performance' && reports.length > 1) col += ` (runs ${values.join(', ')})`;
  if (!pass) col += ` < ${target}`;
  cols.push(col);
}
console.log(`${ok ? 'ok  ' : 'FAIL'} ${path}\n     ${cols.join('  ')}`);

const warnings = new Set(reports.flatMap((r) => r.runWarnings || []));
for (const w of warnings) console.log(`     warning: ${w.split('. ')[0]}.`);

// The audits that cost points in the median run (and in any run for the
// load-independent categories).
const seen = new Set();
for (const [id, target] of Object.entries(targets)) {
  for (const report of id === 'performance' ? [median] : reports) {
    if (score(report, id) >= target && id !== 'performance') continue;
    for (const ref of report.categories[id].auditRefs) {
      const a = report.audits[ref.id];
      if (!a || a.score === null || a.score >= 1 || ref.weight === 0) continue;
      const line = `${id}: ${a.id} (${Math.round(a.score * 100)})${a.displayValue ? ` — ${a.displayValue}` : ''}: ${a.title}`;
      if (!seen.has(line)) console.log(`     ${line}`);
      seen.add(line);
    }
  }
}
process.exit(ok ? 0 : 1);
