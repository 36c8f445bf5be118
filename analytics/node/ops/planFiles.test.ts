import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { planFor } from '../../common/incidents/contingencyPlan.js';
import { dataPath } from '../paths.js';
import { loadPlans } from './planFiles.js';

const dirs: string[] = [];
const folder = (files: Record<string, string>): string => {
  const d = mkdtempSync(join(tmpdir(), 'cityops-plans-'));
  dirs.push(d);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the contingency plans as data', () => {
  it('the shipped plans load; gas has its cordon inside its radius and cites its source', () => {
    const plans = loadPlans(dataPath('plans'));
    const gas = planFor(plans, 'gas');
    expect(gas).toMatchObject({ id: 'gas-leak', radiusM: 800, cordonM: 100 });
    expect(gas?.source.document).toContain('Guide 115');
    expect(planFor(plans, 'flood')?.id).toBe('waterlogging');
    expect(planFor(plans, 'construction')).toBeNull();
  });

  it('a broken plan stops the start with the file and the problem named', () => {
    const good = JSON.stringify(loadPlans(dataPath('plans'))[0]);
    expect(() => loadPlans(folder({ 'a.json': '{ not json' }))).toThrow(/a\.json: not JSON/);
    const bad = { ...JSON.parse(good) as Record<string, unknown>, radiusM: -5 };
    expect(() => loadPlans(folder({ 'b.json': JSON.stringify(bad) }))).toThrow(/b\.json: .*radiusM/);
    const cordon = { ...JSON.parse(good) as Record<string, unknown>, radiusM: 50, cordonM: 100 };
    expect(() => loadPlans(folder({ 'c.json': JSON.stringify(cordon) }))).toThrow(/cordonM must not exceed radiusM/);
    expect(() => loadPlans(folder({ 'd.json': good, 'e.json': good }))).toThrow(/e\.json: the id .* is used by another plan/);
    expect(loadPlans(folder({ 'readme.txt': 'x' }))).toEqual([]);
  });
});
