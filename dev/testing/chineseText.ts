/**
 * What a Chinese screen must not show: English words and internal keys (asset ids such as
 * `regulator-station-0001`, rule ids such as `gas.lel.level2`, keys such as `regulator_station`,
 * district codes such as 420302). Units, standard codes and key hints are allowed.
 */
const ALLOWED = new Set([
  // units
  'm', 'mm', 'km', 'kPa', 'MPa', 'LEL', 'ppm', 't', 'kN', 'dB', 'mg', 'L', 'vol', 'h', 's', 'min', 'ms', 'C',
  // the message bus by its name, the standards' codes, the file format, coordinates
  'NATS', 'JetStream', 'GB', 'T', 'JGJ', 'JTG', 'CJJ', 'GBZ', 'JT', 'PDF', 'E', 'N', 'TOP',
  // key hints and the language switch
  'A', 'X', 'S', 'R', 'H', 'Enter', 'Esc', 'Shift', 'Caps', 'Lock', 'English',
]);

/** The offending words and keys in `text`, each once, in order of appearance. */
export function foreignWords(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z][A-Za-z0-9]*(?:[._-][A-Za-z0-9]+)*/g)) {
    const w = m[0];
    // a key or an id: snake_case, dotted or dashed names, letters glued to digits (level2, bridge-0011)
    const isKey = /[._]/.test(w) || /-/.test(w) || /[a-z][0-9]|[0-9][a-z]/i.test(w);
    if (isKey || !ALLOWED.has(w)) found.add(w);
  }
  for (const m of text.matchAll(/(?<![0-9,.])4203\d\d(?![0-9])/g)) found.add(m[0]);
  return [...found];
}
