import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../common/deviceLabel.js';
import { alarmKpis } from '../../common/ops/alarmKpis.js';
import { ControlRoomState } from '../../common/ops/controlRoomState.js';
import type { HandoverReport } from '../../common/ops/handoverReport.js';
import { ev, tr } from '../../common/ops/testing/controlRoomFixtures.js';
import { buildHandover } from './handover.js';
import { handoverHtml } from './handoverHtml.js';

/** The smallest report a shift can have, with both leaders' signatures. */
function signedReport(): HandoverReport {
  const base: Record<string, unknown> = {
    fromMs: Date.UTC(2026, 10, 27, 0), toMs: Date.UTC(2026, 10, 27, 12), generatedAtMs: Date.UTC(2026, 10, 27, 12),
    notes: { summary: '平稳', pending: '' }, keyEvents: [],
    alarms: { raised: 0, raisedByPriority: { critical: 0, high: 0, medium: 0, low: 0 }, standing: [], shelved: [] },
    hazards: { opened: [], closed: [], overdue: [], stillOpen: 0 },
    risksTurnedRed: [], kpis: { averagePer10Min: 0, floodSharePct: 0, chattering: [], stale: [], priorityMix: [], top10: [], perTenMinutes: [] },
    sha256: 'a'.repeat(64),
    signatures: [
      { as: 'outgoing', name: '张伟', device: 'console-1', atMs: Date.UTC(2026, 10, 27, 12), reportSha256: 'a'.repeat(64) },
      { as: 'incoming', name: '李娜', device: 'console-2', atMs: Date.UTC(2026, 10, 27, 12, 5), reportSha256: 'a'.repeat(64) },
    ],
  };
  return base as unknown as HandoverReport;
}

describe('the printed handover report', () => {
  it('names the workstations that signed by their names, never by their ids', () => {
    const devices = { 'console-1': { role: 'shift_leader' as const, name: '一号值班台' }, 'console-2': { role: 'shift_leader' as const, name: null } };
    const html = handoverHtml(signedReport(), 'zh', (r) => r, (k) => k, (d) => deviceLabel('zh', devices, d));
    expect(html).toContain('张伟（一号值班台）');
    expect(html).toContain('李娜（值班长）');
    expect(html).not.toMatch(/console-\d/);
  });
});

describe('the printed handover report\'s pictures', () => {
  // a day shift, 08:00–20:00 in Shiyan, with a flood at 09:00, an overdue case and a district turned red
  const from = Date.UTC(2026, 10, 27, 0);
  const to = from + 12 * 3_600_000;
  const HOSTILE = '<script>alert(1)</script>';
  function report(): HandoverReport {
    const s = new ControlRoomState([]);
    for (let i = 0; i < 12; i++) s.transition(tr(true, from + 3_600_000 + i * 1_000, `gas/420302/g${i}#${HOSTILE}`));
    s.apply(ev({ kind: 'hazard.raise', hazard: 'hz-1', grade: 'general', title: HOSTILE, domain: 'gas', district: '420302', asset: 'g1', fromAlarm: null, responsible: { owner: 'o', supervisor: null, approver: null } }, from + 1_000));
    s.apply(ev({ kind: 'hazard.dispatch', hazard: 'hz-1', assignee: HOSTILE, deadlineMs: from + 60_000 }, from + 2_000));
    const red = [{ atMs: from + 5_000, key: `district/${HOSTILE}`, from: 'orange' as const, to: 'red' as const, reasons: [], factors: [] },
      { atMs: from + 6_000, key: 'gas/420303/g1', from: 'orange' as const, to: 'red' as const, reasons: [], factors: [] }];
    return buildHandover(s, red, alarmKpis(s, to), from, to, to, { summary: HOSTILE, pending: '' });
  }

  it('draws the alarms per 10 minutes, the cases by stage and the risks turned red as inline SVG, in Chinese', () => {
    const html = handoverHtml(report(), 'zh', () => HOSTILE);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('data-picture="alarms"');
    expect(html).toContain('每10分钟报警数（按优先级）');
    expect(html).toContain('报警泛滥（10分钟内超过10条）');
    expect(html).toContain('交班时未销号的隐患（按阶段）');
    expect(html).toContain('>已派发</text>');
    expect(html).toContain('其中逾期 1');
    expect(html).toContain('>张湾区</text>');
    // axis labels on Shiyan's clock
    expect(html).toContain('>08:00</text>');
    expect(html).toContain('>20:00</text>');
    // the flood at 09:00 shaded (the 10-minute period's full height), self-contained: no script, no external resource
    expect(html).toMatch(/<rect [^>]*fill="#e04848"/);
    expect(html).not.toMatch(/<script|src=|href=|@import|url\(/i);
  });

  it('says the same pictures in English', () => {
    const html = handoverHtml(report(), 'en', () => HOSTILE);
    expect(html).toContain('Alarms raised per 10 minutes, by priority');
    expect(html).toContain('Alarm flood (more than 10 in 10 minutes)');
    expect(html).toContain('>Dispatched</text>');
    expect(html).toContain('1 past deadline');
    expect(html).toContain('>Zhangwan</text>');
    expect(html).toContain('>08:00</text>');
    expect(html).not.toMatch(/[\u3400-\u9fff]/);
  });

  it('escapes what comes from the data: a hostile title, assignee or district code never appears as markup', () => {
    for (const lang of ['zh', 'en'] as const) {
      const html = handoverHtml(report(), lang, () => HOSTILE, () => HOSTILE);
      expect(html).not.toContain('<script');
      expect(html).toContain('&lt;script&gt;');
      const svgs = html.match(/<svg [\s\S]*?<\/svg>/g) ?? [];
      expect(svgs).toHaveLength(3);
      expect(svgs.join('')).not.toContain('<script');
    }
  });

  it('renders a report kept before there were pictures, without them', () => {
    const html = handoverHtml(signedReport(), 'zh', (r) => r);
    expect(signedReport().pictures).toBeUndefined();
    expect(html).not.toContain('<svg');
    expect(html).toContain('</body></html>');
  });
});
