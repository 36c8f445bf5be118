import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RotatingLog } from './rotatingLog.js';

const dir = mkdtempSync(join(tmpdir(), 'cityops-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the engine log', () => {
  it('appends to a file under its folder (made if missing), after what an earlier run wrote', () => {
    const path = join(dir, 'a', 'logs', 'engine.log');
    const log = new RotatingLog(path, 1000, 2);
    log.write('first\n');
    log.close();
    const again = new RotatingLog(path, 1000, 2);
    again.write(Buffer.from('second\n'));
    again.close();
    expect(readFileSync(path, 'utf8')).toBe('first\nsecond\n');
  });

  it('stays within its bound: the current file and one older, each at most the size given', () => {
    const path = join(dir, 'b', 'engine.log');
    const log = new RotatingLog(path, 100, 2);
    for (let i = 0; i < 100; i++) log.write(`line ${String(i).padStart(3, '0')} of the engine\n`);
    log.close();
    expect(statSync(path).size).toBeLessThanOrEqual(100);
    expect(statSync(`${path}.1`).size).toBeLessThanOrEqual(100);
    expect(existsSync(`${path}.2`)).toBe(false);
    // the newest lines are kept, in order across the two files
    const kept = readFileSync(`${path}.1`, 'utf8') + readFileSync(path, 'utf8');
    expect(kept.trimEnd().split('\n').at(-1)).toBe('line 099 of the engine');
    expect(kept).not.toContain('line 000');
  });

  it('keeps more older files when told, dropping the oldest', () => {
    const path = join(dir, 'c', 'engine.log');
    const log = new RotatingLog(path, 10, 3);
    for (const l of ['aaaaaaaa\n', 'bbbbbbbb\n', 'cccccccc\n', 'dddddddd\n']) log.write(l);
    log.close();
    expect([readFileSync(`${path}.2`, 'utf8'), readFileSync(`${path}.1`, 'utf8'), readFileSync(path, 'utf8')]).toEqual(['bbbbbbbb\n', 'cccccccc\n', 'dddddddd\n']);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('cuts a single chunk larger than a file to its tail, and never throws when it cannot write', () => {
    const path = join(dir, 'd', 'engine.log');
    const log = new RotatingLog(path, 8, 2);
    log.write('0123456789abcdef');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('89abcdef');
    const blocked = join(dir, 'e');
    writeFileSync(blocked, 'a file where the folder should be');
    const bad = new RotatingLog(join(blocked, 'engine.log'), 100, 2);
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => void errors.push(a);
    try {
      expect(() => bad.write('x\n')).not.toThrow();
    } finally {
      console.error = original;
    }
    expect(errors).toHaveLength(1);
  });
});
