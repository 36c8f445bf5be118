import { describe, expect, it } from 'vitest';
import { ACTION_ROLES, mayDo, ROLES, type OpsAction } from './opsEvents.js';

describe('operator roles', () => {
  it('role × action matrix: walls and analysts cannot act on alarms or hazards', () => {
    for (const kind of Object.keys(ACTION_ROLES) as OpsAction['kind'][]) {
      expect(mayDo('wall', kind)).toBe(false);
      expect(mayDo('admin', kind)).toBe(true);
      expect(mayDo('shift_leader', kind)).toBe(kind !== 'alarm.profile');
      expect(mayDo('analyst', kind)).toBe(kind === 'hazard.comment');
    }
    expect(ROLES).toEqual(['wall', 'shift_leader', 'analyst', 'admin']);
  });
});
