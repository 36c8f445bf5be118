import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { originAllowed, ownOrigins, tokenOf } from './access.js';

const req = (authorization?: string): IncomingMessage => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

describe('the token of a request', () => {
  it('takes the bearer scheme in any case, with any run of blanks, and falls back to ?token=', () => {
    for (const h of ['Bearer abc', 'bearer abc', 'BEARER  abc', 'bEaReR\tabc ']) expect(tokenOf(req(h), new URLSearchParams()), h).toBe('abc');
    expect(tokenOf(req('Basic abc'), new URLSearchParams('token=q'))).toBe('q');
    expect(tokenOf(req('Bearerabc'), new URLSearchParams())).toBeNull();
    expect(tokenOf(req(), new URLSearchParams())).toBeNull();
  });
});

describe('the server\'s own origins', () => {
  it('for a loopback listener: 127.0.0.1, localhost and [::1] at its port, nothing else', () => {
    const own = ownOrigins('127.0.0.1', 8640);
    expect(own).toEqual(expect.arrayContaining(['http://127.0.0.1:8640', 'http://localhost:8640', 'http://[::1]:8640', 'https://localhost:8640']));
    expect(own.every((o) => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\]):8640$/.test(o))).toBe(true);
  });

  it('leaves the default port out as browsers do', () => {
    expect(ownOrigins('localhost', 80)).toContain('http://localhost');
    expect(ownOrigins('localhost', 443)).toContain('https://localhost');
  });

  it('for a wildcard listener: the interface addresses too', () => {
    expect(ownOrigins('0.0.0.0', 8640)).toEqual(expect.arrayContaining(['http://127.0.0.1:8640', 'http://localhost:8640']));
  });

  it('for a named address: that address only', () => {
    expect(ownOrigins('10.1.2.3', 8640)).toEqual(['http://10.1.2.3:8640', 'https://10.1.2.3:8640']);
    expect(ownOrigins('fd00::5', 8640)).toEqual(['http://[fd00::5]:8640', 'https://[fd00::5]:8640']);
  });

  it('admits no Origin (not a browser), an allowed one, an own one; nothing by its agreement with Host', () => {
    const own = (): string[] => ownOrigins('127.0.0.1', 8640);
    expect(originAllowed(undefined, [], own)).toBe(true);
    expect(originAllowed('cityops://app', ['cityops://app'], own)).toBe(true);
    expect(originAllowed('http://LOCALHOST:8640', [], own)).toBe(true);
    expect(originAllowed('http://evil.example', [], own)).toBe(false);
    expect(originAllowed('null', [], own)).toBe(false);
  });
});
