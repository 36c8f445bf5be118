import { describe, expect, it } from 'vitest';
import { deviceLabel } from '../../common/deviceLabel.js';
import type { HandoverReport } from '../../common/ops/handoverReport.js';
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
