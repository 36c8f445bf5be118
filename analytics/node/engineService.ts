import type { AlarmRule } from '../common/alarms/alarmRules.js';
import type { BundleSummary, ExportProgress } from '../common/bundle.js';
import type { CommandArgsOf, FeedFreshness, Health, QueryName, QueryResults } from '../common/engineApi.js';
import type { OpsSnapshot } from '../common/ops/controlRoomViews.js';
import type { HandoverNotes, HandoverReport } from '../common/ops/handoverReport.js';
import type { OpsAction, Role } from '../common/ops/opsEvents.js';
import type { BoundaryErrors } from './boundaryErrors.js';
import type { CommittedBatch } from './ingest/ingestor.js';
import type { QueryLimits } from './queries/queryGate.js';
import type { SqlWorkbench } from './analysis/sqlWorkbench.js';

/**
 * What the server needs of the engine, and nothing more: the HTTP and WebSocket handlers depend on
 * this, not on the engine's parts (its control room, writer or database).
 */
export interface EngineService {
  /** The query limits in force (the server applies the per-client cap and the result size cap). */
  readonly queryLimits: QueryLimits;
  /** Failures caught in the server's handlers, counted for health. */
  readonly boundary: BoundaryErrors;
  health(): Health;
  feeds(): FeedFreshness[];
  /** A named query of the contract; `signal` aborts it when its client leaves; `asOfMs` answers it as of that instant (replay). */
  query<N extends QueryName>(name: N, params: unknown, signal?: AbortSignal, asOfMs?: number): Promise<QueryResults[N]>;
  /** `live`: an engine with feeds, whose connections may set their clock back; `bundle`: a read-only bundle, always replayed. */
  readonly mode: 'live' | 'bundle';
  /** What a connection may replay. */
  replayWindow(): Promise<{ fromMs: number; toMs: number }>;
  /** The `ops` topic's picture as of an instant. */
  snapshotAt(atMs: number): Promise<OpsSnapshot>;
  /** Counts a query refused as busy by a client's own cap (health shows all refusals together). */
  noteRefusedBusy(): void;
  onCommit(fn: (b: CommittedBatch) => void): () => void;
  checkpoint(): Promise<void>;
  /** An operator action: checked against the role and the state, then written to the outbox (refused: `ActionRefused`). */
  submitAction(action: OpsAction, device: string, role: Role): Promise<{ id: string }>;
  /** The operational picture the `ops` topic pushes. */
  snapshot(): OpsSnapshot;
  /** Calls `fn` on every change of the operational picture (`raised`: a new alarm); returns the unsubscribe. */
  onControlRoomChange(fn: (raised: boolean) => void): () => void;
  /** A shift's handover report with the leader's notes; `keep` stores it with its SHA-256; a signed shift gives the report signed. */
  handover(fromMs: number, toMs: number, keep: boolean, notes?: HandoverNotes): Promise<HandoverReport>;
  alarmRules(): readonly AlarmRule[];
  /** An asset's name from the registry (`domain/district/asset`), the key itself when unknown. */
  assetName(key: string): string;
  /** Writes an export bundle on the engine's machine (one at a time: another is refused `busy`; a bad folder or window: `ExportRefused`); `signal` stops it. */
  exportBundle(args: CommandArgsOf<'export'>, signal?: AbortSignal): Promise<BundleSummary>;
  /** Calls `fn` as the running export writes its files; returns the unsubscribe. */
  onExportProgress(fn: (p: ExportProgress) => void): () => void;
  /**
   * The SQL console (docs/analysis.md, "SQL console"): guarded read-only statements on connections
   * of its own, exports downloaded once, saved queries, the schema. Live and over a bundle.
   */
  readonly sql: SqlWorkbench;
}

/** A query, command or topic the contract does not name. */
export class UnknownNameError extends Error {}
