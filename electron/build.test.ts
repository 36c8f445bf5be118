import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const cfg = JSON.parse(readFileSync(new URL('../build/electron-builder.json', import.meta.url), 'utf8')) as {
  electronFuses: Record<string, boolean>;
  asar: boolean;
  asarUnpack: string[];
  linux: { target: string[] };
  win: { target: string[] };
  mac: { target: string[] };
  files: string[];
};

// the window, session and CSP policies are asserted as values in electron/lib/securityPolicy.test.ts,
// what is packed in electron/packaging.test.ts
describe('packaging configuration', () => {
  it('flips the fuses: no run-as-node, no NODE_OPTIONS, no inspect; asar integrity and only-from-asar on', () => {
    expect(cfg.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, enableCookieEncryption: true, grantFileProtocolExtraPrivileges: false,
    });
  });

  it('packs into asar with the DuckDB native binding unpacked, for Linux, Windows and macOS', () => {
    expect(cfg.asar).toBe(true);
    expect(cfg.asarUnpack).toContain('node_modules/@duckdb/**');
    expect(cfg.linux.target).toEqual(['AppImage', 'deb']);
    expect(cfg.win.target).toEqual(['nsis']);
    expect(cfg.mac.target).toEqual(['dmg']);
    expect(cfg.files).toContain('renderer/dist/**/*');
  });
});
