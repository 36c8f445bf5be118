/// <reference lib="dom" />
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../dev/testing/browser.js';
import { builtCli } from '../../dev/testing/engineProcess.js';
import { tempDir, waitFor } from '../../dev/testing/harness.js';
import { freePort } from '../../analytics/node/feeds/natsServerProcess.js';

const tmp = tempDir('cityops-demo-token-');
let demo: ChildProcess;
let output = '';
let browser: Browser;

beforeAll(async () => {
  const port = await freePort();
  demo = spawn(process.execPath, [builtCli(), 'demo', '--no-nats', '--db', `${tmp.dir}/demo.duckdb`, '--port', String(port), '--rate', '100', '--assets', '40'], { stdio: ['ignore', 'pipe', 'pipe'] });
  demo.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  demo.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  await waitFor(() => /console: +\S+/.test(output) || null, 'the demo printing its addresses');
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (demo && demo.exitCode === null) {
    const exited = new Promise((r) => demo.once('exit', r));
    demo.kill('SIGTERM');
    await exited;
  }
  tmp.remove();
});

/** The printed address with the debug hooks switched on (they expose the engine client and its role). */
const withDebug = (u: string): string => u.replace('#', u.includes('?') ? '&debug=1#' : '?debug=1#');
const roleOf = (page: Page): Promise<string | null> =>
  waitFor(() => page.evaluate(() => (globalThis as unknown as { __cityops?: { client: { role: string | null } } }).__cityops?.client.role ?? null), 'the role from the engine');

describe('the demo and the tokens a browser keeps', () => {
  it("prints the wall's address with the wall's read-only token, and a page never takes another page's role", async () => {
    const wallUrl = /wall: +(\S+)/.exec(output)?.[1] ?? '';
    const consoleUrl = /console: +(\S+)/.exec(output)?.[1] ?? '';
    expect(wallUrl).toMatch(/#token=/);
    const ctx = await browser.newContext();
    const con = await ctx.newPage();
    await con.goto(withDebug(consoleUrl));
    expect(await roleOf(con)).toBe('shift_leader');
    const wall = await ctx.newPage();
    await wall.goto(withDebug(wallUrl));
    expect(await roleOf(wall)).toBe('wall');
    // the console reloaded without a token in its address keeps its own role, whatever the wall stored
    await con.goto(withDebug(consoleUrl).replace(/#.*$/, ''));
    expect(await roleOf(con)).toBe('shift_leader');
    // and a wall reloaded in a browser where a console signed in stays a wall
    await wall.goto(withDebug(wallUrl).replace(/#.*$/, ''));
    expect(await roleOf(wall)).toBe('wall');
    await ctx.close();
  });
});
