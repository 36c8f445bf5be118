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
const main = readFileSync(new URL('./main.ts', import.meta.url), 'utf8');

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

  it('creates every window isolated and sandboxed, without Node, never from file://', () => {
    expect(main).toMatch(/contextIsolation: true, sandbox: true, nodeIntegration: false/);
    expect(main).not.toMatch(/loadFile\(|loadURL\(['"`]file:/);
    expect(main).toMatch(/loadURL\(`\$\{APP_ORIGIN\}/);
    expect(main).toMatch(/setPermissionRequestHandler\(\(_wc, _permission, callback\) => callback\(false\)\)/);
    expect(main).toMatch(/setWindowOpenHandler\(\(\) => \(\{ action: 'deny' \}\)\)/);
    expect(main).not.toMatch(/unsafe-eval/);
  });
});
