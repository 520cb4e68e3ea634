// make spec-coverage: every behaviour the spec enumerates and the cases that check it,
// then the behaviours from the field (issue 14). Exits 1 while a spec behaviour
// has no case or a field behaviour has fewer than FIELD_MIN.
import { allCases } from '../suite/index.ts';
import { BEHAVIOURS, FIELD_BEHAVIOURS, FIELD_MIN, casesFor } from '../suite/coverage.ts';

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

process.stdout.write('\nbehaviours from the field\n');
let short = 0;
for (const beh of FIELD_BEHAVIOURS) {
  const ids = casesFor(beh, cases);
  if (ids.length < FIELD_MIN) short++;
  const list = ids.length === 0 ? 'NO CASE' : `${ids.slice(0, 2).join(' ')}${ids.length > 2 ? ` (+${ids.length - 2})` : ''}`;
  process.stdout.write(`${beh.id.padEnd(24)} ${String(ids.length).padStart(4)}  ${beh.what}: ${list}\n`);
}
process.stdout.write(`field coverage: ${FIELD_BEHAVIOURS.length - short}/${FIELD_BEHAVIOURS.length} behaviours have at least ${FIELD_MIN} cases${short ? `; ${short} have fewer` : ''}\n`);
process.exitCode = missing || short ? 1 : 0;
