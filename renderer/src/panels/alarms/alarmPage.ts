/** Height of one row of the wall's alarm list (CSS pixels of the design canvas). */
export const ROW_PX = 50;

export interface AlarmPage {
  index: number;
  pages: number;
  from: number;
  to: number;
}

/**
 * Which rows the wall shows now: `size` rows per page (at least one), turning a page every tick, so
 * every alarm is on screen in turn and none is dropped because the panel is short.
 */
export function alarmPage(total: number, size: number, tick: number): AlarmPage {
  const per = Math.max(1, size);
  const pages = Math.max(1, Math.ceil(total / per));
  const index = ((tick % pages) + pages) % pages;
  return { index, pages, from: index * per, to: Math.min(total, (index + 1) * per) };
}
