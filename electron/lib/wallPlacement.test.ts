import { describe, expect, it } from 'vitest';
import { electronArgs, landedOn, OZONE_X11, x11Relaunch } from './wallPlacement.js';

describe('a wall runs on X11 on Linux', () => {
  it('the launcher passes --ozone-platform=x11 to a wall on Linux only, and never twice', () => {
    expect(electronArgs('linux', ['--wall'])).toEqual([OZONE_X11, '--wall']);
    expect(electronArgs('linux', ['--workstation'])).toEqual(['--workstation']);
    expect(electronArgs('linux', ['--wall', '--ozone-platform=wayland'])).toEqual(['--wall', '--ozone-platform=wayland']);
    expect(electronArgs('win32', ['--wall'])).toEqual(['--wall']);
  });

  it('a wall from the settings in a Wayland session relaunches itself with the switch', () => {
    const wayland = { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' };
    const exe = '/opt/cityops/cityops';
    expect(x11Relaunch('linux', true, exe, ['--wall'], wayland)).toEqual({ execPath: exe, args: ['--wall', OZONE_X11] });
    expect(x11Relaunch('linux', true, exe, ['app', OZONE_X11], wayland)).toBeNull();
    expect(x11Relaunch('linux', false, exe, ['app'], wayland)).toBeNull();
    expect(x11Relaunch('linux', true, exe, ['app'], { XDG_SESSION_TYPE: 'x11', DISPLAY: ':0' })).toBeNull();
    expect(x11Relaunch('linux', true, exe, ['app'], { WAYLAND_DISPLAY: 'wayland-0', DISPLAY: ':0' })).toEqual({ execPath: exe, args: ['app', OZONE_X11] });
    expect(x11Relaunch('win32', true, exe, ['app'], wayland)).toBeNull();
  });

  it('relaunches an AppImage through the AppImage (the running executable\'s mount goes with it)', () => {
    const env = { XDG_SESSION_TYPE: 'wayland', DISPLAY: ':0', APPIMAGE: '/home/ops/cityops-0.1.0.AppImage' };
    expect(x11Relaunch('linux', true, '/tmp/.mount_cityopAb12Cd/cityops', [], env)).toEqual({ execPath: '/home/ops/cityops-0.1.0.AppImage', args: [OZONE_X11] });
  });

  it('without XWayland it runs as is and says why the wall may land on one display', () => {
    const warned: string[] = [];
    expect(x11Relaunch('linux', true, '/opt/cityops/cityops', ['app'], { XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' }, (l) => warned.push(l))).toBeNull();
    expect(warned.join()).toMatch(/no DISPLAY/);
  });

  it('counts a window as landed when its centre is on the display', () => {
    const d = { x: 1920, y: 0, width: 1920, height: 1080 };
    expect(landedOn(d, d)).toBe(true);
    expect(landedOn({ x: 1921, y: 0, width: 1918, height: 1050 }, d)).toBe(true);
    expect(landedOn({ x: 0, y: 0, width: 1920, height: 1080 }, d)).toBe(false);
    expect(landedOn({ x: 3840, y: 0, width: 1920, height: 1080 }, d)).toBe(false);
  });
});
