import { describe, expect, it } from 'vitest';
import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import { filterAlarms, NO_ALARM_QUERY } from './alarmFilter';

const alarm = (asset: string, priority: AlarmView['priority'], raisedAtMs: number, state: AlarmView['state'] = 'unack'): AlarmView => ({
  point: `gas/420302/${asset}#r`, rule: 'r', priority, domain: 'gas', district: '420302', asset, metric: 'lel_pct', latching: false, value: null,
  raisedAtMs, clearedAtMs: null, occurrence: `${asset}@${raisedAtMs}`, state, active: true, silenced: false, ackedBy: null, shelved: null,
  suppressedBy: null, outOfService: null, annunciated: true, floodCause: null,
});
const names: Record<string, string> = { a1: '东岳路调压站', a2: '人民路调压站', a3: '车城路阀井' };
const textOf = (a: AlarmView): string => names[a.asset] ?? a.asset;
const list = [alarm('a1', 'critical', 1), alarm('a2', 'high', 3, 'ack'), alarm('a3', 'high', 2)];
const assets = (rows: AlarmView[]): string[] => rows.map((a) => a.asset);

describe('alarm table filter', () => {
  it('keeps the given order when nothing is asked', () => {
    expect(assets(filterAlarms(list, NO_ALARM_QUERY, textOf))).toEqual(['a1', 'a2', 'a3']);
  });

  it('searches every word in the row text, by name', () => {
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, text: '调压站 人民' }, textOf))).toEqual(['a2']);
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, text: '不存在' }, textOf))).toEqual([]);
  });

  it('filters by priority and by unacknowledged', () => {
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, priority: 'high' }, textOf))).toEqual(['a2', 'a3']);
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, unackedOnly: true }, textOf))).toEqual(['a1', 'a3']);
  });

  it('sorts newest first or by asset name without touching the input', () => {
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, sort: 'newest' }, textOf))).toEqual(['a2', 'a3', 'a1']);
    expect(assets(filterAlarms(list, { ...NO_ALARM_QUERY, sort: 'asset' }, textOf))).toEqual(['a3', 'a2', 'a1'].sort((x, y) => (names[x] ?? '').localeCompare(names[y] ?? '', 'zh-CN')));
    expect(assets(list)).toEqual(['a1', 'a2', 'a3']);
  });
});
