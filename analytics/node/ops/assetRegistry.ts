import { assetKey } from '../../common/risk/riskRegister.js';
import type { PlacedAsset } from '../../common/incidents/affectedArea.js';
import type { HazardView } from '../../common/ops/controlRoomViews.js';
import type { CommittedBatch } from '../ingest/ingestor.js';
import { clampBaseline, readAssets, type AssetRow } from '../store/assetRows.js';
import type { Database } from '../store/database.js';

/**
 * The asset registry held in memory: names for the handover page, the three responsible parties
 * copied into a new hazard case, the baselines the risk register starts from. Loaded once from
 * DuckDB, then kept current from every committed batch.
 */
export class AssetRegistry {
  private readonly byKey = new Map<string, AssetRow>();

  async load(db: Database): Promise<void> {
    for (const r of await readAssets(db)) this.byKey.set(assetKey(r.domain, r.district, r.asset), r);
  }

  addCommitted(assets: CommittedBatch['assets']): void {
    for (const a of assets) {
      const r = a.record;
      this.byKey.set(assetKey(a.origin.domain, a.origin.district, r.id), {
        domain: a.origin.domain, district: a.origin.district, asset: r.id, name: r.name, baseline: clampBaseline(r.attrs?.['risk_baseline']),
        owner: r.owner, supervisor: r.supervisor, approver: r.approver ?? null, kind: r.kind, lat: r.lat, lon: r.lon,
      });
    }
  }

  /** The registry's name of `domain/district/asset` (the key itself when unknown). */
  name(key: string): string {
    return this.byKey.get(key)?.name ?? key;
  }

  responsible(domain: string, district: string, asset: string | null): HazardView['responsible'] {
    const r = asset === null ? undefined : this.byKey.get(assetKey(domain, district, asset));
    return { owner: r?.owner ?? null, supervisor: r?.supervisor ?? null, approver: r?.approver ?? null };
  }

  /** The record of `domain/district/asset`, if the registry holds it. */
  get(domain: string, district: string, asset: string): AssetRow | undefined {
    return this.byKey.get(assetKey(domain, district, asset));
  }

  /** Every asset with its place, for an incident's affected area. */
  placed(): Iterable<PlacedAsset> {
    return this.byKey.values();
  }

  get size(): number {
    return this.byKey.size;
  }

  assets(): AssetRow[] {
    return [...this.byKey.values()];
  }
}
