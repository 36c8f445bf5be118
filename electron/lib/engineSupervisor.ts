/**
 * Keeps the engine process alive: restarted when it exits, at once the first time and then with
 * the restart policy's back-off; a crash loop is reported, never given up on (its state is in
 * DuckDB, so each start resumes). The process comes from `launch`, so this runs without Electron.
 */
import type { DesktopResponse } from '../../analytics/common/desktopApi.js';
import { systemClock, type Clock } from './clock.js';
import { RestartPolicy } from './crashPolicy.js';

/** The part of Electron's `UtilityProcess` the supervisor uses. */
export interface EngineChild {
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface EngineStatus {
  state: DesktopResponse<'desktop:status'>['engine'];
  restarts: number;
  crashLoop: boolean;
}

export class EngineSupervisor {
  private current: EngineStatus = { state: 'starting', restarts: 0, crashLoop: false };
  private child: EngineChild | null = null;

  constructor(
    private readonly launch: () => EngineChild,
    private readonly clock: Clock = systemClock,
    private readonly policy: RestartPolicy = new RestartPolicy(),
  ) {}

  status(): EngineStatus {
    return { ...this.current };
  }

  start(): void {
    if (this.current.state === 'stopped') return;
    this.policy.started(this.clock.now());
    const child = this.launch();
    this.child = child;
    child.on('spawn', () => {
      if (this.child === child && this.current.state !== 'stopped') this.current.state = 'running';
    });
    child.on('exit', () => {
      // an exit we asked for (quitting), or a late event of a process already replaced
      if (this.child !== child || this.current.state === 'stopped') return;
      const { delayMs, crashLoop } = this.policy.crashed(this.clock.now());
      this.current = { state: 'restarting', restarts: this.current.restarts + 1, crashLoop };
      this.clock.later(() => this.start(), delayMs);
    });
  }

  /** On quit: the engine is stopped for good, its exit is not a crash. */
  stop(): void {
    this.current.state = 'stopped';
    this.child?.kill();
  }
}
