import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseWall, wallNameProblem, wallNames } from './wallChoice.js';

const base = mkdtempSync(join(tmpdir(), 'cityops-walls-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const walls = (files: Record<string, unknown>): string => {
  const dir = mkdtempSync(join(base, 'w-'));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  return dir;
};
const one = { name: '1x1', cols: 1, rows: 1, bezel: { x: 0, y: 0 }, playlists: [['overview']] };
const two = { name: '2x1', cols: 2, rows: 1, bezel: { x: 0, y: 0 }, playlists: [['overview'], ['lifelines']] };

describe('the wall a wall shows', () => {
  it('is the one the settings name', () => {
    const warned: string[] = [];
    expect(chooseWall(walls({ '1x1.json': one, '2x1.json': two }), '2x1', (l) => warned.push(l)).name).toBe('2x1');
    expect(warned).toEqual([]);
  });

  it('falls back to 1x1 with a warning naming the walls there are, for a name that does not exist or a broken file', () => {
    const dir = walls({ '1x1.json': one, '2x1.json': two, 'bad.json': '{ not json', 'README.md': 'x' });
    for (const name of ['9x9', 'bad', 'README']) {
      const warned: string[] = [];
      expect(chooseWall(dir, name, (l) => warned.push(l)).name, name).toBe('1x1');
      expect(warned, name).toHaveLength(1);
      expect(warned[0], name).toContain(`'${name}'`);
      expect(warned[0], name).toContain('walls: 1x1, 2x1, bad');
    }
  });

  it('ends the start with the reason only when not even 1x1 is there', () => {
    expect(() => chooseWall(walls({ '2x1.json': two }), '9x9', () => undefined)).toThrow(/no wall named '9x9'.*no wall named '1x1'/);
  });

  it('refuses a name no wall has when settings are saved', () => {
    const dir = walls({ '1x1.json': one, '2x1.json': two });
    expect(wallNameProblem(dir, '2x1')).toBeNull();
    expect(wallNameProblem(dir, '2X1')).toEqual({ code: 'no_wall', wall: '2X1', walls: ['1x1', '2x1'] });
    expect(wallNames(join(base, 'missing'))).toEqual([]);
  });
});
