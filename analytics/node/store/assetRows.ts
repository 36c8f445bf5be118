import type { RegistryRow } from '../../common/registryRow.js';
import type { Database } from './database.js';

/** An asset as the control room needs it: the registry's row, who answers for it and its baseline risk. */
export interface AssetRow extends RegistryRow {
  /** `attrs.risk_baseline` clamped to 1–5, 1 when absent. */
  baseline: number;
  owner: string | null;
  supervisor: string | null;
  approver: string | null;
}

export const clampBaseline = (b: unknown): number => (typeof b === 'number' ? Math.max(1, Math.min(5, b)) : 1);

export async function readAssets(db: Database): Promise<AssetRow[]> {
  const rows = await db.queryRows(`SELECT domain, district, asset, name, owner, supervisor, approver, kind, lat, lon,
      try_cast(json_extract(attrs, '$.risk_baseline') AS DOUBLE) AS baseline FROM assets`);
  return rows.map((r) => ({
    domain: String(r['domain']), district: String(r['district']), asset: String(r['asset']), name: String(r['name']),
    baseline: clampBaseline(r['baseline']),
    owner: r['owner'] === null ? null : String(r['owner']), supervisor: r['supervisor'] === null ? null : String(r['supervisor']),
    approver: r['approver'] === null ? null : String(r['approver']),
    kind: String(r['kind']), lat: Number(r['lat']), lon: Number(r['lon']),
  }));
}
