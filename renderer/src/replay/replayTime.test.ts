import { describe, expect, it } from 'vitest';
import { clockText, cursorText, parseReplayParam } from './replayTime';

describe('replay times', () => {
  it('says the cursor as a local date and time with seconds', () => {
    const at = new Date(2026, 10, 27, 9, 5, 7).getTime();
    expect(cursorText(at)).toBe('2026-11-27 09:05:07');
    expect(clockText(at)).toBe('09:05');
  });

  it('reads the replay= parameter as epoch milliseconds or an ISO date and time', () => {
    expect(parseReplayParam('1764230400000')).toBe(1764230400000);
    expect(parseReplayParam('2026-11-27T09:05:00')).toBe(new Date(2026, 10, 27, 9, 5, 0).getTime());
    expect(parseReplayParam('2026-11-27 09:05')).toBe(new Date(2026, 10, 27, 9, 5, 0).getTime());
    expect(parseReplayParam('2026-11-27')).toBe(new Date(2026, 10, 27).getTime());
    expect(parseReplayParam('2026-11-27T01:00:00Z')).toBe(Date.UTC(2026, 10, 27, 1));
  });

  it('names no instant for an empty or unreadable parameter', () => {
    expect(parseReplayParam(null)).toBeNull();
    expect(parseReplayParam('')).toBeNull();
    expect(parseReplayParam('yesterday')).toBeNull();
    expect(parseReplayParam('2026-13-45T99:00')).toBeNull();
  });
});
