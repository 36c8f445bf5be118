/** The shift around now: 08:00–20:00 or 20:00–08:00 local time. */
export function currentShift(now: Date): { from: number; to: number } {
  const d = new Date(now);
  const h = d.getHours();
  d.setMinutes(0, 0, 0);
  if (h >= 8 && h < 20) d.setHours(8);
  else if (h >= 20) d.setHours(20);
  else { d.setDate(d.getDate() - 1); d.setHours(20); }
  return { from: d.getTime(), to: d.getTime() + 12 * 3_600_000 };
}

/** A local time as the console's date fields hold it (`2026-01-31T08:00`, to the minute; `DateField`). */
export function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}
