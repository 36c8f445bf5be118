import { describe, expect, it } from 'vitest';
import { HANDLED_SHOWN_MS, Playlist } from './playlist';
import { layoutDisplays, wallSize, WallConfigSchema } from './wallConfig';

const wall2x2 = WallConfigSchema.parse({
  name: '2x2', cols: 2, rows: 2, bezel: { x: 24, y: 30 },
  playlists: [['overview'], ['lifelines'], ['bridges'], ['construction']],
});

describe('wall layout', () => {
  it('puts displays side by side with the bezels between them', () => {
    const d = layoutDisplays(wall2x2);
    expect(d.map((x) => [x.x, x.y])).toEqual([[0, 0], [1944, 0], [0, 1110], [1944, 1110]]);
    expect(wallSize(wall2x2)).toEqual({ width: 3864, height: 2190 });
    expect(d.every((x) => x.scale === 1)).toBe(true);
  });

  it('scales the 1920×1080 design uniformly to other resolutions, letterboxing other aspects', () => {
    const w = WallConfigSchema.parse({ name: '4k', cols: 1, rows: 1, display: { width: 3840, height: 2160 }, playlists: [['overview']] });
    expect(layoutDisplays(w)[0]).toMatchObject({ scale: 2, offsetX: 0, offsetY: 0 });
    const wide = WallConfigSchema.parse({ name: 'w', cols: 1, rows: 1, display: { width: 2560, height: 1080 }, playlists: [['overview']] });
    expect(layoutDisplays(wide)[0]).toMatchObject({ scale: 1, offsetX: 320, offsetY: 0 });
  });

  it('refuses a configuration without one playlist per display', () => {
    expect(WallConfigSchema.safeParse({ name: 'x', cols: 2, rows: 2, playlists: [['overview']] }).success).toBe(false);
    expect(WallConfigSchema.safeParse({ name: 'x', cols: 1, rows: 1, playlists: [['overview']], interruptDisplay: 3 }).success).toBe(false);
  });
});

describe('playlist', () => {
  const ev = { id: 'e1', kind: 'event' as const, title: '燃气泄漏', severity: 'red', asset: 'st-1', domain: 'gas', district: '420303', atMs: 0 };

  it('rotates on schedule and wraps', () => {
    const p = new Playlist(['a', 'b', 'c'], 10_000, 60_000, 0);
    expect([0, 9_999, 10_000, 25_000, 30_000, 85_000, 95_000].map((t) => p.at(t).screen)).toEqual(['a', 'a', 'b', 'c', 'a', 'c', 'a']);
  });

  it('gives focus to a critical event and hands the rotation back, where it was, once a console handled it and the wall said who and when', () => {
    const p = new Playlist(['a', 'b', 'c'], 10_000, 60_000, 0);
    expect(p.at(12_000).screen).toBe('b');
    p.interrupt({ ...ev, atMs: 13_000 });
    expect(p.at(40_000)).toMatchObject({ screen: 'asset', takeover: { interrupt: { id: 'e1' }, handled: null, queued: 0 } });
    p.handledAt('e1', { by: 'console-1', atMs: 41_000, how: 'acked' as const }, 41_000);
    expect(p.at(41_000 + HANDLED_SHOWN_MS - 1)).toMatchObject({ screen: 'asset', takeover: { handled: { by: 'console-1', atMs: 41_000, how: 'acked' } } });
    expect(p.at(41_000 + HANDLED_SHOWN_MS).screen).toBe('b');
    expect(p.at(51_000 + HANDLED_SHOWN_MS).screen).toBe('c');
  });

  it('queues criticals in order: a newer one waits its turn and never replaces the one on screen', () => {
    const p = new Playlist(['a'], 10_000, 60_000, 0);
    p.interrupt({ ...ev, atMs: 1_000 });
    p.interrupt({ ...ev, id: 'e2', atMs: 2_000 });
    p.interrupt({ ...ev, id: 'e2', atMs: 3_000 });
    p.interrupt({ ...ev, id: 'e3', atMs: 4_000 });
    expect(p.at(5_000).takeover).toMatchObject({ interrupt: { id: 'e1' }, queued: 2 });
    // one handled while waiting leaves the queue without taking the screen
    p.handledAt('e3', { by: 'console-2', atMs: 6_000, how: 'acked' as const }, 6_000);
    p.handledAt('e1', { by: 'console-1', atMs: 7_000, how: 'acked' as const }, 7_000);
    expect(p.at(7_000 + HANDLED_SHOWN_MS).takeover).toMatchObject({ interrupt: { id: 'e2' }, handled: null, queued: 0 });
  });

  it('keeps an unacknowledged critical on screen however long nobody acknowledges it', () => {
    const p = new Playlist(['a', 'b'], 10_000, 60_000, 0);
    p.interrupt({ ...ev, atMs: 1_000 });
    expect(p.at(61_000).takeover).toMatchObject({ interrupt: { id: 'e1' }, handled: null });
    expect(p.at(3_600_000).takeover).toMatchObject({ interrupt: { id: 'e1' }, handled: null });
  });

  it('gives each of several unacknowledged criticals the screen in turn, and drops none', () => {
    const p = new Playlist(['a'], 10_000, 60_000, 0);
    p.interrupt({ ...ev, atMs: 0 });
    p.interrupt({ ...ev, id: 'e2', atMs: 1_000 });
    expect(p.at(59_999).takeover?.interrupt.id).toBe('e1');
    expect(p.at(60_000).takeover).toMatchObject({ interrupt: { id: 'e2' }, queued: 1 });
    expect(p.at(120_000).takeover?.interrupt.id).toBe('e1');
    // handled while waiting: it leaves; the one on screen stays
    p.handledAt('e2', { by: 'console-1', atMs: 121_000, how: 'acked' as const }, 121_000);
    expect(p.at(500_000).takeover).toMatchObject({ interrupt: { id: 'e1' }, queued: 0 });
  });
});
