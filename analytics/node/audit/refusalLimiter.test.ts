import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../dev/testing/harness.js';
import { clipField, isoOf } from './auditText.js';
import { RefusalLimiter } from './refusalLimiter.js';

describe('the refusal limiter', () => {
  it('writes the first refusals of an interval, counts the rest by reason, and summarises them when the next begins', () => {
    const lines: string[] = [];
    let now = 0;
    const l = new RefusalLimiter({ maxPerInterval: 2, intervalMs: 1000 }, (x) => lines.push(x), () => now);
    for (const r of ['origin', 'origin', 'origin', 'token', 'origin'] as const) l.refuse(r, () => `refused ${r}`);
    expect(lines).toEqual(['refused origin', 'refused origin']);
    now = 1000;
    l.refuse('path', () => 'refused path');
    expect(lines).toEqual(['refused origin', 'refused origin', 'suppressed 3 refusals beyond 2 per 1000 ms (by reason: origin 2, token 1)', 'refused path']);
    l.flush();
    expect(lines).toHaveLength(4);
  });

  it('writes the summary at the end of the interval even when the refusals stop', async () => {
    const lines: string[] = [];
    const l = new RefusalLimiter({ maxPerInterval: 1, intervalMs: 50 }, (x) => lines.push(x));
    for (let i = 0; i < 10; i++) l.refuse('token', () => 'refused token');
    await waitFor(() => lines.find((x) => x.startsWith('suppressed 9 ')), 'summary');
  });

  it('never builds the line of a refusal it does not write', () => {
    let built = 0;
    const l = new RefusalLimiter({ maxPerInterval: 1, intervalMs: 60_000 }, () => undefined, () => 0);
    for (let i = 0; i < 1000; i++) l.refuse('origin', () => String(++built));
    expect(built).toBe(1);
    l.flush();
  });
});

describe('audit text', () => {
  it('clips a client field, marks how long it was, and leaves no control character, quote or lone surrogate', () => {
    expect(clipField(undefined)).toBe('-');
    expect(clipField('http://x')).toBe('"http://x"');
    expect(clipField(`a\r\nb"c\\d\ud800`)).toBe('"a??b?c?d?"');
    const long = clipField('x'.repeat(15_000), 10);
    expect(long).toBe('"xxxxxxxxxx"…(15000 chars)');
  });

  it('formats any number as an instant or as a number, never throwing', () => {
    expect(isoOf(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoOf(1e20)).toBe('100000000000000000000ms');
    expect(isoOf(Number.NaN)).toBe('NaNms');
  });
});
