// make spec-coverage: every behaviour the spec enumerates and the cases that check it.
// Exits 1 while any behaviour has no case.
import { allCases } from '../suite/index.ts';
import { BEHAVIOURS, casesFor } from '../suite/coverage.ts';

const cases = allCases();
let missing = 0;
for (const beh of BEHAVIOURS) {
  const ids = casesFor(beh, cases);
  if (ids.length === 0) missing++;
  const list = ids.length === 0 ? 'NO CASE' : ids.length <= 3 ? ids.join(' ') : `${ids.slice(0, 3).join(' ')} (+${ids.length - 3})`;
  process.stdout.write(`${beh.id.padEnd(30)} ${beh.section.padEnd(28)} ${String(ids.length).padStart(3)}  ${list}\n`);
}
const covered = BEHAVIOURS.length - missing;
process.stdout.write(`spec coverage: ${covered}/${BEHAVIOURS.length} behaviours have cases${missing ? `; ${missing} have none` : ''}\n`);
process.exitCode = missing ? 1 : 0;
