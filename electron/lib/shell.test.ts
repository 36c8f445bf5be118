import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WallConfigSchema } from '../../analytics/common/wallConfig.js';
import { RestartPolicy } from './crashPolicy.js';
import { APP_ORIGIN, checkIpc } from './ipc.js';
import { SettingsStore, type SecretStorage } from './settingsStore.js';
import { planWall, samePlan, type PhysicalDisplay } from './windowPlanner.js';

const wall2x2 = WallConfigSchema.parse({ name: '2x2', cols: 2, rows: 2, bezel: { x: 24, y: 24 }, playlists: [['overview'], ['lifelines'], ['bridges'], ['housing']] });
const disp = (id: number, x: number, y: number, w = 1920, h = 1080, scaleFactor = 1): PhysicalDisplay => ({ id, bounds: { x, y, width: w, height: h }, scaleFactor });

describe('window planner', () => {
  it('gives each display its cell in reading order, whatever order the system lists them', () => {
    const plan = planWall(wall2x2, [disp(4, 1920, 1080), disp(1, 0, 0), disp(3, 0, 1080), disp(2, 1920, 0)]);
    expect(plan.windows.map((w) => [w.displayId, w.cells, w.query])).toEqual([
      [1, [0], '?wall=2x2&display=0'], [2, [1], '?wall=2x2&display=1'], [3, [2], '?wall=2x2&display=2'], [4, [3], '?wall=2x2&display=3'],
    ]);
    expect(plan.windows[3]?.bounds).toEqual({ x: 1920, y: 1080, width: 1920, height: 1080 });
    expect(plan.missingCells).toEqual([]);
  });

  it('says which cells are missing when displays are unplugged, and re-plans when they return', () => {
    const two = planWall(wall2x2, [disp(1, 0, 0), disp(2, 1920, 0)]);
    expect(two.windows.map((w) => w.cells[0])).toEqual([0, 1]);
    expect(two.missingCells).toEqual([2, 3]);
    const four = planWall(wall2x2, [disp(1, 0, 0), disp(2, 1920, 0), disp(3, 0, 1080), disp(4, 1920, 1080)]);
    expect(samePlan(two, four)).toBe(false);
    expect(samePlan(four, planWall(wall2x2, [disp(4, 1920, 1080), disp(3, 0, 1080), disp(2, 1920, 0), disp(1, 0, 0)]))).toBe(true);
  });

  it('puts the whole wall, bezels included, on one surface that a controller presents as one display (HiDPI counted)', () => {
    const plan = planWall(wall2x2, [disp(9, 0, 0, 1932, 1092, 2), disp(10, 3864, 0)]);
    expect(plan.windows).toEqual([{ displayId: 9, bounds: { x: 0, y: 0, width: 1932, height: 1092 }, cells: [0, 1, 2, 3], query: '?wall=2x2' }]);
    expect(plan.unusedDisplays).toEqual([10]);
  });
});

describe('IPC checks', () => {
  it('accepts a known channel from the app with a valid payload, refuses everything else', () => {
    expect(checkIpc('desktop:status', `${APP_ORIGIN}/index.html`, {})).toMatchObject({ ok: true });
    expect(checkIpc('desktop:eval', `${APP_ORIGIN}/`, {})).toEqual({ ok: false, refused: 'unknown channel desktop:eval' });
    expect(checkIpc('desktop:status', 'https://evil.example/x', {})).toMatchObject({ ok: false, refused: 'sender https://evil.example is not the app' });
    expect(checkIpc('desktop:status', 'file:///etc/passwd', {})).toMatchObject({ ok: false });
    expect(checkIpc('desktop:status', null, {})).toMatchObject({ ok: false, refused: 'sender has no URL' });
    expect(checkIpc('desktop:status', `${APP_ORIGIN}/`, { extra: 1 })).toMatchObject({ ok: false });
    const bad = checkIpc('desktop:settings:save', `${APP_ORIGIN}/`, { settings: { mode: 'wall', natsUrl: 'http://x', wall: '2x2' } });
    expect(bad).toMatchObject({ ok: false });
    expect((bad as { refused: string }).refused).toMatch(/natsUrl/);
  });
});

describe('settings store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cityops-settings-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // a fake safeStorage: reversible, but visibly not plain text
  const fake = (available: boolean, backend: string): SecretStorage => ({
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
    decryptString: (b) => [...b.toString().slice(4)].reverse().join(''),
    getSelectedStorageBackend: () => backend,
  });
  const settings = { mode: 'wall', natsUrl: 'tls://nats.city.local:4222', natsUser: 'ops', wall: '2x2', startAtLogin: true };

  it('keeps secrets only encrypted by the keyring, and reads them back', () => {
    const store = new SettingsStore(join(dir, 'a.json'), fake(true, 'gnome_libsecret'), 'linux');
    expect(store.save(settings, { natsPassword: 's3cret-pass', roleToken: 'console-token-0123456789' })).toEqual({ ok: true, refused: null });
    const file = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(file).not.toContain('s3cret-pass');
    expect(store.secret('natsPassword')).toBe('s3cret-pass');
    expect(store.settings()).toEqual(settings);
    expect(store.secretsStored()).toEqual({ natsPassword: true, roleToken: true });
  });

  it('refuses to store secrets on Linux without a keyring and says why, but keeps the settings', () => {
    const store = new SettingsStore(join(dir, 'b.json'), fake(true, 'basic_text'), 'linux');
    const r = store.save(settings, { natsPassword: 's3cret-pass' });
    expect(r.ok).toBe(false);
    expect(r.refused).toEqual({ code: 'basic_text_keyring' });
    expect(readFileSync(join(dir, 'b.json'), 'utf8')).not.toContain('s3cret');
    expect(store.secretsStored().natsPassword).toBe(false);
    expect(store.settings().wall).toBe('2x2');
    const none = new SettingsStore(join(dir, 'c.json'), fake(false, 'unknown'), 'win32');
    expect(none.save(settings, { roleToken: 'console-token-0123456789' }).refused).toEqual({ code: 'no_encryption' });
  });

  it('falls back to defaults on a damaged file and rejects invalid settings', () => {
    const store = new SettingsStore(join(dir, 'missing', 'd.json'), fake(true, 'kwallet5'), 'linux');
    expect(store.settings().mode).toBe('workstation');
    expect(() => store.save({ ...settings, natsUrl: 'not a url' })).toThrow();
  });
});

describe('restart policy', () => {
  it('restarts at once, then backs off while crashes repeat, flags a crash loop, and forgets after a stable run', () => {
    const p = new RestartPolicy({ firstDelayMs: 250, maxDelayMs: 4000, stableMs: 60_000, loopAfter: 4 });
    p.started(0);
    expect(p.crashed(1000)).toEqual({ delayMs: 0, crashLoop: false, recent: 1 });
    p.started(1000);
    expect(p.crashed(2000).delayMs).toBe(250);
    expect(p.crashed(3000).delayMs).toBe(500);
    const fourth = p.crashed(4000);
    expect(fourth).toMatchObject({ delayMs: 1000, crashLoop: true });
    for (let t = 5000; t < 10_000; t += 1000) p.crashed(t);
    expect(p.crashed(10_000).delayMs).toBe(4000);
    p.started(20_000);
    expect(p.crashed(90_000)).toEqual({ delayMs: 0, crashLoop: false, recent: 1 });
  });
});
