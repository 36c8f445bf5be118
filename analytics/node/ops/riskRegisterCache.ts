import type { z } from 'zod';
import type { QUERY_PARAMS } from '../../common/engineApi.js';
import type { ControlRoomState } from '../../common/ops/controlRoomState.js';
import { assessAll, districtRisks, RiskTracker, type AssetRisk, type DistrictRisk, type RiskChange } from '../../common/risk/riskRegister.js';
import type { BatchWriter } from '../store/batchWriter.js';
import { insertRiskChanges } from '../store/riskChangeLog.js';
import type { AssetRegistry } from './assetRegistry.js';
import type { InspectionTally } from './inspectionTally.js';

type P<N extends keyof typeof QUERY_PARAMS> = z.infer<(typeof QUERY_PARAMS)[N]>;

const COLOUR_ORDER = { red: 0, orange: 1, yellow: 2, blue: 3 };

/**
 * The risk register as last computed, recomputed only when the state or the registry changed;
 * every colour change is kept in memory and in DuckDB with its reasons.
 */
export class RiskRegisterCache {
  private readonly tracker = new RiskTracker();
  private risks: AssetRisk[] = [];
  private districtList: DistrictRisk[] = [];
  private stateVersion = -1;

  constructor(
    private readonly state: ControlRoomState,
    private readonly registry: AssetRegistry,
    private readonly inspections: InspectionTally,
    private readonly writer: BatchWriter,
    private readonly events: { changed(): void; failed(why: string): void },
  ) {}

  /** Recomputes the register when something changed; colour changes are kept with their reasons. */
  refresh(nowMs: number, force = false): RiskChange[] {
    if (!force && this.stateVersion === this.state.version && this.risks.length === this.registry.size) return [];
    this.stateVersion = this.state.version;
    this.risks = assessAll(this.registry.assets(), this.state.alarms(nowMs), this.state.hazardList(nowMs), this.inspections.byAsset);
    this.districtList = districtRisks(this.risks);
    const changes = this.tracker.update(nowMs, this.risks, this.districtList);
    if (changes.length > 0) {
      void this.writer.exclusive((c) => insertRiskChanges(c, changes))
        .catch((e: unknown) => this.events.failed(`risk changes: ${e instanceof Error ? e.message : String(e)}`));
      this.events.changed();
    }
    return changes;
  }

  /** Every asset's assessment as last computed (call `refresh` first for a current one). */
  get assets(): readonly AssetRisk[] {
    return this.risks;
  }

  get districts(): DistrictRisk[] {
    return this.districtList;
  }

  /** Every colour change since the engine started, oldest first. */
  get changes(): readonly RiskChange[] {
    return this.tracker.changes;
  }

  list(p: P<'risks'>, nowMs = Date.now()): { assets: AssetRisk[]; districts: DistrictRisk[] } {
    this.refresh(nowMs);
    const assets = this.risks.filter((r) => (!p.domain || r.domain === p.domain) && (!p.district || r.district === p.district) && (!p.colour || r.colour === p.colour))
      .sort((a, b) => COLOUR_ORDER[a.colour] - COLOUR_ORDER[b.colour] || b.score - a.score || a.asset.localeCompare(b.asset)).slice(0, p.limit);
    return { assets, districts: this.districtList.filter((d) => !p.district || d.district === p.district) };
  }

  changeList(p: P<'riskChanges'>): RiskChange[] {
    return this.tracker.changes.filter((c) => !p.key || c.key === p.key).slice(-p.limit).reverse();
  }
}
