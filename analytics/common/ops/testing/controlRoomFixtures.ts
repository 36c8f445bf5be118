import type { AlarmTransition } from '../alarmTransition.js';
import type { OpsAction, OpsEvent } from '../opsEvents.js';

/** Fixtures for the control room's state tests: one gas point, its transitions, operator events. */
export const POINT = 'gas/420302/g1#gas.lel.level2';

export const tr = (active: boolean, atMs: number, point = POINT, district = '420302'): AlarmTransition => ({
  point, rule: point.split('#')[1] ?? 'r', priority: 'critical', domain: 'gas', district, asset: point.split('/')[2]?.split('#')[0] ?? 'g1',
  metric: 'lel_pct', latching: true, active, atMs, value: active ? 60 : 10,
});

let n = 0;
export const ev = (action: OpsAction, ts = 1_000, device = 'console-1'): OpsEvent => ({ id: `ev${String(++n).padStart(8, '0')}`, ts, device, role: 'shift_leader', action });
