import { describe, expect, it } from 'vitest';
import { DESKTOP_CHANNELS } from '../../analytics/common/desktopApi.js';
import { desktopAnswers, handleDesktopIpc, type DesktopState, type IpcHandlers } from './desktopIpc.js';
import { engineCommand } from './engineCommand.js';
import { APP_ORIGIN } from './ipc.js';

type Listener = Parameters<IpcHandlers['handle']>[1];

function registered(state: Partial<DesktopState> = {}): { handlers: Map<string, Listener>; saved: unknown[] } {
  const saved: unknown[] = [];
  const handlers = new Map<string, Listener>();
  const settings = { mode: 'wall' as const, natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall: '2x2', startAtLogin: false };
  handleDesktopIpc({ handle: (channel, listener) => void handlers.set(channel, listener) }, desktopAnswers({
    connection: { engineUrl: 'http://127.0.0.1:5123', token: 'wall-token-0123456789', role: 'wall' }, mode: 'wall',
    store: {
      settings: () => settings, secretsStored: () => ({ natsPassword: false, roleToken: true }), secretStorageBackend: () => 'gnome_libsecret',
      save: (s, secrets) => (saved.push({ s, secrets }), { ok: true, refused: null }),
    },
    engine: () => ({ state: 'restarting', restarts: 2, crashLoop: false }), missingCells: () => [3],
    ...state,
  }));
  return { handlers, saved };
}

const from = (url: string | null): { senderFrame: { url: string } | null } => ({ senderFrame: url === null ? null : { url } });

describe('the main process answering the IPC contract', () => {
  it('handles exactly the contract\'s channels', () => {
    expect([...registered().handlers.keys()].sort()).toEqual(Object.keys(DESKTOP_CHANNELS).sort());
  });

  it('answers the app\'s own frame, each answer valid by the contract', () => {
    const { handlers } = registered();
    const ask = (channel: keyof typeof DESKTOP_CHANNELS, payload: unknown = {}): unknown =>
      DESKTOP_CHANNELS[channel].response.parse(handlers.get(channel)?.(from(`${APP_ORIGIN}/index.html`), payload));
    expect(ask('desktop:connection')).toEqual({ engineUrl: 'http://127.0.0.1:5123', token: 'wall-token-0123456789', role: 'wall', mode: 'wall' });
    expect(ask('desktop:status')).toEqual({ engine: 'restarting', restarts: 2, crashLoop: false, missingCells: [3] });
    expect(ask('desktop:settings:get')).toMatchObject({ secretStorage: 'gnome_libsecret', secretsStored: { roleToken: true } });
  });

  it('refuses a foreign frame, a frameless sender and a bad payload before anything is done', () => {
    const { handlers, saved } = registered();
    const save = handlers.get('desktop:settings:save');
    const good = { settings: { mode: 'wall', natsUrl: 'nats://x:4222', natsUser: '', wall: '2x2', startAtLogin: false } };
    expect(() => save?.(from('https://evil.example/'), good)).toThrow(/refused: sender https:\/\/evil.example/);
    expect(() => save?.(from(null), good)).toThrow(/refused: sender has no URL/);
    expect(() => handlers.get('desktop:connection')?.(from('cityops://app.evil/'), {})).toThrow(/refused/);
    expect(() => save?.(from(`${APP_ORIGIN}/`), { ...good, settings: { ...good.settings, natsUrl: 'http://x' } })).toThrow(/refused: bad payload.*natsUrl/);
    expect(saved).toEqual([]);
    save?.(from(`${APP_ORIGIN}/`), good);
    expect(saved).toHaveLength(1);
  });
});

describe('the engine command the shell runs', () => {
  const base = { dir: '/data/engine', devicesFile: '/data/engine/devices.json', port: 5123, token: 'tok-0123456789abcdef', natsUrl: 'tls://nats.city:4222' };

  it('serves on the loopback port, admitting only the app origin and this machine with the mode\'s role', () => {
    const wall = engineCommand({ ...base, mode: 'wall', hostname: 'Wall PC #1', natsUser: null, natsPassword: null }, { PATH: '/bin' });
    expect(wall.args).toEqual(['serve', '--nats', 'tls://nats.city:4222', '--db', '/data/engine/cityops.duckdb', '--port', '5123', '--devices', '/data/engine/devices.json', '--allow-origin', APP_ORIGIN]);
    expect(wall.device).toEqual({ device: 'wall-wall-pc--1', role: 'wall', token: 'tok-0123456789abcdef' });
    expect(wall.url).toBe('http://127.0.0.1:5123');
    expect(wall.env).toEqual({ PATH: '/bin' });
    const ws = engineCommand({ ...base, mode: 'workstation', hostname: 'desk', natsUser: 'ops', natsPassword: 'pw' }, {});
    expect(ws.device.role).toBe('shift_leader');
    expect(ws.env).toEqual({ CITYOPS_NATS_USER: 'ops', CITYOPS_NATS_PASS: 'pw' });
  });

  it('refuses to save settings naming a wall that does not exist, saving nothing', () => {
    const { handlers, saved } = registered({ wallProblem: (name) => (name === '2x2' ? null : { code: 'no_wall', wall: name, walls: ['2x2'] }) });
    const save = (wall: string): unknown => handlers.get('desktop:settings:save')?.(from(`${APP_ORIGIN}/index.html`), {
      settings: { mode: 'wall', natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall, startAtLogin: false }, secrets: {},
    });
    expect(save('9x9')).toEqual({ ok: false, refused: { code: 'no_wall', wall: '9x9', walls: ['2x2'] } });
    expect(saved).toEqual([]);
    expect(save('2x2')).toEqual({ ok: true, refused: null });
    expect(saved).toHaveLength(1);
  });

  it('applies what applies at once (start at login) when settings are saved', () => {
    const applied: unknown[] = [];
    const { handlers } = registered({ applied: (settings) => void applied.push(settings.startAtLogin) });
    handlers.get('desktop:settings:save')?.(from(`${APP_ORIGIN}/index.html`), {
      settings: { mode: 'wall', natsUrl: 'nats://127.0.0.1:4222', natsUser: '', wall: '2x2', startAtLogin: true }, secrets: {},
    });
    expect(applied).toEqual([true]);
  });
});
