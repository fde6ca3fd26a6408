// Prints the four Lighthouse scores of one JSON report and the audits that
// cost points, and exits 1 when a target of issue 9 is missed.
//
//   node scripts/lighthouse-scores.js PATH REPORT.json
//
// Used by scripts/lighthouse.sh.
'use strict';
const fs = require('fs');

const [path, file] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
const targets = {performance: 95, accessibility: 100, 'best-practices': 100, seo: 100};

let ok = true;
const scores = [];
for (const [id, target] of Object.entries(targets)) {
  const cat = report.categories[id];
  const score = cat && cat.score !== null ? Math.round(cat.score * 100) : NaN;
  const pass = score >= target;
  ok = ok && pass;
  scores.push(`${id} ${Number.isNaN(score) ? '?' : score}${pass ? '' : ` (< ${target})`}`);
}
console.log(`${path.padEnd(40)} ${scores.join('  ')}`);
if (report.runWarnings && report.runWarnings.length) {
  for (const w of report.runWarnings) console.log(`    warning: ${w}`);
}

// The audits that cost points, with the metrics' values for performance.
for (const id of Object.keys(targets)) {
  const cat = report.categories[id];
  if (!cat) continue;
  for (const ref of cat.auditRefs) {
    const a = report.audits[ref.id];
    if (!a || a.score === null || a.score >= 1 || ref.weight === 0 && a.scoreDisplayMode !== 'binary') continue;
    if (a.scoreDisplayMode === 'informative' || a.scoreDisplayMode === 'notApplicable' || a.scoreDisplayMode === 'manual') continue;
    const value = a.displayValue ? ` — ${a.displayValue}` : '';
    console.log(`    ${id}: ${a.id} (${Math.round(a.score * 100)})${value}: ${a.title}`);
  }
}
process.exit(ok ? 0 : 1);
