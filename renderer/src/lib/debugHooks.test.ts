import { describe, expect, it } from 'vitest';
import { debugRequested } from './debugHooks';

describe('debug hooks', () => {
  it('are asked for only by an explicit debug=1 in the query', () => {
    expect(debugRequested('?screen=bench24&debug=1')).toBe(true);
    expect(debugRequested('?debug=1')).toBe(true);
    expect(debugRequested('')).toBe(false);
    expect(debugRequested('?screen=bench24')).toBe(false);
    expect(debugRequested('?debug=0')).toBe(false);
    expect(debugRequested('?debug')).toBe(false);
  });
});
