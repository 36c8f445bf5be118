import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from './ipc.js';
import { appPage, guardContents, isAppUrl, rendererCsp, setPermissions, type PermissionSession, type Preventable } from './securityPolicy.js';

describe('the window policy', () => {
  it('gives the renderer a CSP without eval or inline scripts, connecting only to itself and the local engine', () => {
    const csp = rendererCsp('http://127.0.0.1:5123');
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:5123', 'ws://127.0.0.1:5123']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('form-action')).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-eval|\*/);
  });

  it('loads every window from the app\'s own scheme, never from file://', () => {
    expect(appPage('?view=console')).toBe('cityops://app/index.html?view=console');
    expect(isAppUrl(appPage('?wall=2x2&display=1'))).toBe(true);
  });

  it('counts only the app scheme\'s own host as the app', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html?view=console`)).toBe(true);
    expect(isAppUrl('cityops://app.evil.example/')).toBe(false);
    expect(isAppUrl('cityops://apple/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('https://example.com/cityops://app/')).toBe(false);
  });
});

class FakeContents extends EventEmitter {
  openHandler: (() => { action: 'deny' }) | null = null;
  setWindowOpenHandler(h: () => { action: 'deny' }): void {
    this.openHandler = h;
  }
}

const attempt = (contents: FakeContents, event: string, ...args: unknown[]): boolean => {
  let prevented = false;
  const e: Preventable = { preventDefault: () => void (prevented = true) };
  contents.emit(event, e, ...args);
  return prevented;
};

describe('the guards on every web contents', () => {
  it('stops navigation and redirects away from the app, lets the app move within itself', () => {
    const c = new FakeContents();
    guardContents(c);
    expect(attempt(c, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(attempt(c, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(attempt(c, 'will-redirect', 'http://127.0.0.1:1/')).toBe(true);
    expect(attempt(c, 'will-navigate', `${APP_ORIGIN}/index.html?view=settings`)).toBe(false);
    expect(attempt(c, 'will-redirect', `${APP_ORIGIN}/index.html`)).toBe(false);
  });

  it('denies every new window and every webview', () => {
    const c = new FakeContents();
    guardContents(c);
    expect(c.openHandler?.()).toEqual({ action: 'deny' });
    expect(attempt(c, 'will-attach-webview')).toBe(true);
  });

  const handlers = (): { request: (permission: string, requestingUrl: string) => boolean; check: (permission: string, origin: string) => boolean } => {
    const h: { request?: Parameters<PermissionSession['setPermissionRequestHandler']>[0]; check?: Parameters<PermissionSession['setPermissionCheckHandler']>[0] } = {};
    setPermissions({ setPermissionRequestHandler: (f) => void (h.request = f), setPermissionCheckHandler: (f) => void (h.check = f) });
    return {
      request: (permission, requestingUrl) => {
        const answers: boolean[] = [];
        h.request?.(null, permission, (g) => answers.push(g), { requestingUrl });
        expect(answers).toHaveLength(1);
        return answers[0] as boolean;
      },
      check: (permission, origin) => h.check?.(null, permission, origin) ?? true,
    };
  };
  const DENIED = ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read', 'local-network', 'display-capture', 'unknown'];

  it('grants the app\'s own pages the loopback to the engine, asked and checked', () => {
    const { request, check } = handlers();
    for (const p of ['loopback-network', 'local-network-access']) {
      expect(request(p, `${APP_ORIGIN}/index.html?wall=2x2&display=0`), p).toBe(true);
      expect(check(p, APP_ORIGIN), p).toBe(true);
      expect(check(p, `${APP_ORIGIN}/`), p).toBe(true);
    }
  });

  it('grants the loopback to no other origin', () => {
    const { request, check } = handlers();
    for (const p of ['loopback-network', 'local-network-access']) {
      for (const url of ['https://evil.example/', 'http://127.0.0.1:5123/', 'file:///etc/passwd', 'cityops://app.evil.example/', '']) {
        expect(request(p, url), `${p} ${url}`).toBe(false);
        expect(check(p, url.replace(/\/$/, '')), `${p} ${url}`).toBe(false);
      }
    }
  });

  it('grants no other permission, even to the app', () => {
    const { request, check } = handlers();
    for (const p of DENIED) {
      expect(request(p, `${APP_ORIGIN}/index.html`), p).toBe(false);
      expect(check(p, APP_ORIGIN), p).toBe(false);
    }
  });
});
