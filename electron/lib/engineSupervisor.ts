/**
 * Keeps the engine process alive: restarted when it exits, at once the first time and then with
 * the restart policy's back-off; a crash loop is reported, never given up on (its state is in
 * DuckDB, so each start resumes). The process comes from `launch`, so this runs without Electron.
 * Its output goes to a log (never a pipe left unread: a full pipe blocks the engine on Windows),
 * with each start, fatal error and exit marked, so a crash's reason can be read afterwards.
 */
import { ENGINE_STOP_MESSAGE, type DesktopResponse } from '../../analytics/common/desktopApi.js';
import { systemClock, type Clock } from './clock.js';
import { RestartPolicy } from './crashPolicy.js';
import type { LogSink } from './rotatingLog.js';

/** The part of Electron's `UtilityProcess` the supervisor uses. */
export interface EngineChild {
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** Fatal V8 errors (out of memory): emitted before `exit`; unhandled, it would throw in the main process. */
  on(event: 'error', listener: (type: string, location: string, report: string) => void): unknown;
  /** Present when forked with `stdio: 'pipe'`. */
  readonly stdout?: NodeJS.ReadableStream | null;
  readonly stderr?: NodeJS.ReadableStream | null;
  /** The graceful stop on every platform ({@link ENGINE_STOP_MESSAGE}): the engine commits what it took and closes its database. */
  postMessage(message: unknown): void;
  /** Ends the process (SIGTERM on POSIX, terminated on Windows): only when the stop message was not obeyed in time. */
  kill(): boolean;
}

export interface EngineStatus {
  state: DesktopResponse<'desktop:status'>['engine'];
  restarts: number;
  crashLoop: boolean;
}

/** How long quitting waits for the engine to close its database: past the engine's own 10 s deadline. */
export const ENGINE_STOP_MS = 12_000;

const nowIso = (clock: Clock): string => new Date(clock.now()).toISOString();

export class EngineSupervisor {
  private current: EngineStatus = { state: 'starting', restarts: 0, crashLoop: false };
  private child: EngineChild | null = null;
  private alive = false;
  private readonly exitWaiters: (() => void)[] = [];

  constructor(
    private readonly launch: () => EngineChild,
    private readonly clock: Clock = systemClock,
    private readonly policy: RestartPolicy = new RestartPolicy(),
    private readonly log: LogSink = { write: (c) => void process.stderr.write(c) },
  ) {}

  status(): EngineStatus {
    return { ...this.current };
  }

  start(): void {
    if (this.current.state === 'stopped') return;
    this.policy.started(this.clock.now());
    this.log.write(`--- ${nowIso(this.clock)} engine starting\n`);
    const child = this.launch();
    this.child = child;
    this.alive = true;
    child.stdout?.on('data', (d: Buffer | string) => this.log.write(d));
    child.stderr?.on('data', (d: Buffer | string) => this.log.write(d));
    child.on('spawn', () => {
      if (this.child === child && this.current.state !== 'stopped') this.current.state = 'running';
    });
    child.on('error', (type, location, report) => {
      // the exit that follows restarts it; here only the reason is kept
      this.log.write(`--- ${nowIso(this.clock)} engine ${type} at ${location}\n${report}\n`);
    });
    child.on('exit', (code) => {
      this.log.write(`--- ${nowIso(this.clock)} engine exited with code ${code}\n`);
      if (this.child !== child) return;
      this.alive = false;
      // an exit we asked for (quitting): the waiters of stop() are answered, nothing restarts
      if (this.current.state === 'stopped') {
        for (const w of this.exitWaiters.splice(0)) w();
        return;
      }
      const { delayMs, crashLoop } = this.policy.crashed(this.clock.now());
      this.current = { state: 'restarting', restarts: this.current.restarts + 1, crashLoop };
      this.clock.later(() => this.start(), delayMs);
    });
  }

  /**
   * On quit: the engine is stopped for good (its exit is not a crash), asked by message to stop
   * gracefully (Windows has no signal for that), and waited for until it exits — so it closes its
   * database — or `boundMs` at most, when it is ended.
   */
  stop(boundMs = ENGINE_STOP_MS): Promise<'exited' | 'timeout'> {
    this.current.state = 'stopped';
    if (!this.alive || this.child === null) return Promise.resolve('exited');
    const child = this.child;
    return new Promise((resolve) => {
      const timer = this.clock.later(() => {
        this.log.write(`--- ${nowIso(this.clock)} engine did not stop within ${boundMs} ms: ended\n`);
        try {
          child.kill();
        } catch {
          // already gone
        }
        resolve('timeout');
      }, boundMs);
      this.exitWaiters.push(() => {
        timer.cancel();
        resolve('exited');
      });
      if (this.exitWaiters.length > 1) return;
      try {
        child.postMessage(ENGINE_STOP_MESSAGE);
      } catch {
        // the process is going away already: its exit (or the bound) answers
      }
    });
  }
}
