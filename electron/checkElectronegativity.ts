/**
 * CI gate over electronegativity's CSV: every finding must be justified in
 * build/electronegativity-justified.json (with the reason), or the run fails.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const csv = readFileSync(process.argv[2] ?? '.cityops/electronegativity.csv', 'utf8').replace(/\r/g, '\n');
const justified = new Map((JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build', 'electronegativity-justified.json'), 'utf8')) as { check: string; why: string }[])
  .map((j) => [j.check, j.why]));
const checks = csv.split('\n').map((l) => /([A-Z_]+_CHECK)/.exec(l)?.[1]).filter((c): c is string => c !== undefined);
let bad = 0;
for (const c of checks) {
  const why = justified.get(c);
  if (why) console.log(`justified ${c}: ${why}`);
  else {
    bad++;
    console.error(`UNJUSTIFIED ${c}`);
  }
}
console.log(`electronegativity: ${checks.length} finding(s), ${bad} unjustified`);
process.exit(bad === 0 ? 0 : 1);
