import { assetKey, type InspectionCounts } from '../../common/risk/riskRegister.js';
import type { CommittedBatch } from '../ingest/ingestor.js';
import { readInspectionCounts } from '../store/inspectionRows.js';
import type { Database } from '../store/database.js';

/**
 * Passed and failed inspections per asset over the last 30 days, the risk register's evidence:
 * counted as batches commit, and recounted from DuckDB now and then so old ones fall out.
 */
export class InspectionTally {
  private counts = new Map<string, InspectionCounts>();

  async reload(db: Database): Promise<void> {
    const m = new Map<string, InspectionCounts>();
    for (const r of await readInspectionCounts(db)) m.set(assetKey(r.domain, r.district, r.asset), { failed: r.failed, passed: r.passed });
    this.counts = m;
  }

  addCommitted(i: CommittedBatch['inspections'][number]): void {
    const k = assetKey(i.origin.domain, i.origin.district, i.inspection.asset);
    const c = this.counts.get(k) ?? { failed: 0, passed: 0 };
    if (i.inspection.result === 'fail') c.failed++;
    else c.passed++;
    this.counts.set(k, c);
  }

  get byAsset(): Map<string, InspectionCounts> {
    return this.counts;
  }
}
