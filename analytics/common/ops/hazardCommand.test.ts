import { describe, expect, it } from 'vitest';
import { hazardCommand } from './hazardCommand.js';
import type { OpsAction } from './opsEvents.js';

const H = 'hz-1';
const lifecycle: OpsAction[] = [
  { kind: 'hazard.dispatch', hazard: H, assignee: 'owner A', deadlineMs: 9_000_000 },
  { kind: 'hazard.start', hazard: H },
  { kind: 'hazard.report', hazard: H, note: 'done' },
  { kind: 'hazard.verify', hazard: H, passed: false, note: 'not yet' },
  { kind: 'hazard.regrade', hazard: H, grade: 'major' },
];

describe('operator action to hazard command', () => {
  it('maps each lifecycle step to its command, carrying who did it and every field', () => {
    expect(lifecycle.map((a) => hazardCommand(a, 'console-1'))).toEqual([
      { kind: 'dispatch', by: 'console-1', assignee: 'owner A', deadlineMs: 9_000_000 },
      { kind: 'start_rectification', by: 'console-1' },
      { kind: 'report_done', by: 'console-1', note: 'done' },
      { kind: 'verify', by: 'console-1', passed: false, note: 'not yet' },
      { kind: 'regrade', by: 'console-1', grade: 'major' },
    ]);
    const five = { measures: 'm', funds: 'f', deadlineMs: 1, responsiblePerson: 'p', contingencyPlan: 'c' };
    expect(hazardCommand({ kind: 'hazard.dispatch', hazard: H, assignee: 'a', deadlineMs: 2, fiveItems: five }, 'x')).toMatchObject({ fiveItems: five });
  });

  it('has no command for comments, attachments or alarm actions', () => {
    expect(hazardCommand({ kind: 'hazard.comment', hazard: H, text: 't' }, 'x')).toBeNull();
    expect(hazardCommand({ kind: 'alarm.ack', point: 'gas/420302/g1#r', raisedAtMs: 1 }, 'x')).toBeNull();
    expect(hazardCommand({ kind: 'hazard.attach', hazard: H, name: 'a.pdf', bytes: 1, sha256: 'a'.repeat(64) }, 'x')).toBeNull();
  });
});
