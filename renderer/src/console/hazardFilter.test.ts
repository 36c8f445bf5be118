import { describe, expect, it } from 'vitest';
import type { HazardView } from '../../../analytics/common/ops/controlRoomViews';
import { filterHazards, NO_HAZARD_QUERY } from './hazardFilter';

const hazard = (id: string, grade: HazardView['grade'], stage: HazardView['stage'], deadlineMs: number | null, createdAtMs: number, title = id): HazardView => ({
  id, grade, stage, assignee: null, deadlineMs, fiveItems: null, sentBack: 0, history: [], title, domain: 'gas', district: '420302', asset: null,
  createdAtMs, responsible: { owner: '十堰燃气公司', supervisor: null, approver: null }, source: { kind: 'manual' }, comments: [], attachments: [],
  closedAtMs: stage === 'closed' ? createdAtMs + 1 : null, lastEventId: id,
});
const list = [
  hazard('h1', 'general', 'dispatched', 5_000, 1, '人民路燃气管道腐蚀'),
  hazard('h2', 'major', 'found', null, 3, '东岳路调压站泄漏'),
  hazard('h3', 'general', 'closed', 1_000, 2, '井盖缺失'),
  hazard('h4', 'major', 'rectifying', 2_000, 4, '桥梁挠度超限'),
];
const textOf = (h: HazardView): string => `${h.title} ${h.responsible.owner ?? ''}`;
const ids = (rows: HazardView[]): string[] => rows.map((h) => h.id);

describe('hazard queue filter', () => {
  it('sorts by deadline by default: the most urgent first, no deadline after, closed cases last', () => {
    expect(ids(filterHazards(list, NO_HAZARD_QUERY, textOf))).toEqual(['h4', 'h1', 'h2', 'h3']);
  });

  it('filters by words, by stage ("open" leaves out closed cases) and by grade', () => {
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, text: '燃气' }, textOf))).toEqual(['h4', 'h1', 'h2', 'h3']);
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, text: '调压站' }, textOf))).toEqual(['h2']);
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, stage: 'open' }, textOf))).toEqual(['h4', 'h1', 'h2']);
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, stage: 'found' }, textOf))).toEqual(['h2']);
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, grade: 'major' }, textOf))).toEqual(['h4', 'h2']);
  });

  it('sorts newest first or major before general, without touching the input', () => {
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, sort: 'newest' }, textOf))).toEqual(['h4', 'h2', 'h3', 'h1']);
    expect(ids(filterHazards(list, { ...NO_HAZARD_QUERY, sort: 'grade' }, textOf))).toEqual(['h4', 'h2', 'h1', 'h3']);
    expect(ids(list)).toEqual(['h1', 'h2', 'h3', 'h4']);
  });
});
