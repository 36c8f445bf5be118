import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const cfg = JSON.parse(readFileSync(new URL('../build/electron-builder.json', import.meta.url), 'utf8')) as {
  electronFuses: Record<string, boolean>;
  asar: boolean;
  asarUnpack: string[];
  linux: { target: string[]; extraResources: { from: string; to: string }[] };
  win: { target: string[] };
  mac: { target: string[] };
  files: string[];
  extraResources: { from: string; to: string }[];
  deb: { depends: string[] };
  appArmorProfile?: string;
};

/** electron-builder's own default deb dependencies (what a `depends` list replaces), from the installed app-builder-lib. */
const require = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const { default: FpmTarget } = require('app-builder-lib/out/targets/FpmTarget.js') as { default: { prototype: { getDefaultDepends(target: string): string[] } } };
const DEFAULT_DEB_DEPENDS = FpmTarget.prototype.getDefaultDepends.call(null, 'deb');

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

  it('ships the tray icon as an extra resource (build/ is not packed), where the shell looks for it', () => {
    expect(cfg.extraResources).toContainEqual({ from: 'build/icons/icon.png', to: 'icons/icon.png' });
    expect(cfg.files.some((f) => f.startsWith('build'))).toBe(false);
  });

  it('adds to electron-builder\'s default deb dependencies (GTK, libxss, libxtst, xdg-utils, libsecret…) instead of replacing them', () => {
    expect(DEFAULT_DEB_DEPENDS).toContain('libsecret-1-0');
    for (const d of DEFAULT_DEB_DEPENDS) expect(cfg.deb.depends, d).toContain(d);
    expect(cfg.deb.depends).toContain('libgbm1');
  });

  it('keeps electron-builder\'s AppArmor profile for the deb, and ships one granting the sandbox to the AppImage', () => {
    // the default template grants `userns` to /opt/cityops/cityops: an override would have to as well
    expect(cfg.appArmorProfile).toBeUndefined();
    // inside the Linux packages too, for the administrator (resources/apparmor/cityops-appimage)
    expect(cfg.linux.extraResources).toContainEqual({ from: 'build/apparmor/cityops-appimage', to: 'apparmor/cityops-appimage' });
    const profile = readFileSync(new URL('../build/apparmor/cityops-appimage', import.meta.url), 'utf8');
    expect(profile).toMatch(/^abi <abi\/4\.0>,$/m);
    expect(profile).toMatch(/^profile cityops-appimage \/tmp\/\.mount_cityop\*\/cityops flags=\(unconfined\) \{\n {2}userns,$/m);
  });
});
