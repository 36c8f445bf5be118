import { describe, expect, it } from 'vitest';
import type { TimelineMarker } from '../../../analytics/common/engineApi';
import { markerText } from './markerText';

const m = (kind: TimelineMarker['kind'], what: string): TimelineMarker => ({ atMs: 0, kind, level: 'red', what, domain: 'gas', district: '420302', asset: null });
const rules = (rule: string): string => (rule === 'gas.lel.level2' ? '可燃气体二级报警' : '燃气报警');

describe('timeline markers in words', () => {
  it('names an alarm by its rule title, a hazard by its stage, an event by its title', () => {
    expect(markerText('zh', m('alarm', 'gas.lel.level2'), rules)).toBe('可燃气体二级报警');
    expect(markerText('zh', m('hazard', 'found'), rules)).toBe('已发现');
    expect(markerText('en', m('hazard', 'dispatched'), rules)).toBe('Dispatched');
    expect(markerText('zh', m('event', '桥梁挠度超限'), rules)).toBe('桥梁挠度超限');
  });
});
