/**
 * The app's life from start to quit, as steps the composition root takes on Electron's `app` (the
 * few methods used come in as an interface, so the steps are tested in Node).
 */

export interface SingleInstanceApp {
  requestSingleInstanceLock(): boolean;
  exit(exitCode?: number): void;
}

/**
 * One instance per machine (a second start focuses the first, through 'second-instance'). The
 * loser exits at once: `app.quit()` is asynchronous, and meanwhile the second instance could reach
 * ready and start a second engine on the same database. False: do nothing more.
 */
export function claimSingleInstance(app: SingleInstanceApp): boolean {
  if (app.requestSingleInstanceLock()) return true;
  app.exit(0);
  return false;
}

export interface QuittingApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

/**
 * On quit, the engine closes its database first: the first quit is held, the engine stopped and
 * waited for (its own bound), then the app quits for real.
 */
export function quitAfterEngine(app: QuittingApp, stopEngine: () => Promise<unknown>, log: (line: string) => void = console.error): void {
  let stopping: 'no' | 'waiting' | 'done' = 'no';
  app.on('before-quit', (event) => {
    if (stopping === 'done') return;
    event.preventDefault();
    if (stopping === 'waiting') return;
    stopping = 'waiting';
    void stopEngine().then((how) => {
      if (how === 'timeout') log('cityops: the engine did not stop in time; quitting without it');
    }, (e: unknown) => log(`cityops: stopping the engine failed: ${e instanceof Error ? e.message : String(e)}`)).finally(() => {
      stopping = 'done';
      app.quit();
    });
  });
}
