import type { AlarmView, OpsSnapshot } from '../../../analytics/common/ops/controlRoomViews';
import type { EngineSession } from '../lib/engineSession.svelte';
import { domainName, type Lang } from '../lib/i18n';
import { orderAlarms } from '../lib/alarmDisplay';
import { filterAlarms, NO_ALARM_QUERY, type AlarmQuery } from './alarmFilter';

/** The most a complete list fetched for a search holds (the engine's `alarms` query limit). */
export const COMPLETE_LIMIT = 5_000;
/** How often a search over a capped picture fetches the complete list again while the picture changes. */
const REFETCH_MS = 2_000;

/** Whether the pushed picture lists fewer alarms than it counts (the push is capped; the counts cover all). */
export function pictureIsCapped(s: OpsSnapshot | null): boolean {
  return s !== null && s.alarms.length < s.kpis.shown + s.kpis.hidden;
}

/** A search, a filter or "show hidden" asks for more than the first rows of the picture. */
export function searching(q: AlarmQuery, showAll: boolean): boolean {
  return showAll || q.text.trim() !== '' || q.priority !== 'all' || q.unackedOnly || q.sort !== 'priority';
}

/**
 * The alarm table's search, filters and sorting over the shared operational picture. The pushed
 * picture carries the most urgent alarms first and is capped; when it is, a search or a filter runs
 * over the complete list, fetched from the engine (and again as the picture changes), so nothing
 * beyond the cap is out of reach.
 */
export class AlarmList {
  /** Shelved, suppressed and out-of-service alarms shown too. */
  showAll = $state(false);
  query = $state<AlarmQuery>({ ...NO_ALARM_QUERY });
  /** The complete list while a search runs over a capped picture (null otherwise, or until it arrives). */
  complete = $state.raw<AlarmView[] | null>(null);
  readonly rows: AlarmView[];
  /** How many alarms the table cannot list (beyond the picture's cap and not reached by a complete list). */
  readonly notListed: number;

  constructor(session: EngineSession, lang: () => Lang) {
    // what a search matches: the asset's name and id, the rule's title, the district and the domain
    const textOf = (a: AlarmView): string =>
      `${session.assetName(a.domain, a.district, a.asset)} ${a.asset} ${session.controlRoom.ruleTitle(a.rule, lang())} ${a.district} ${domainName(lang(), a.domain)}`;
    const wantComplete = $derived(pictureIsCapped(session.controlRoom.snapshot) && searching(this.query, this.showAll));
    let lastFetch = 0;
    let inFlight = false;
    $effect(() => {
      const version = session.controlRoom.snapshot?.version;
      if (!wantComplete) {
        this.complete = null;
        return;
      }
      void version;
      const fetchNow = (): void => {
        if (inFlight) return;
        inFlight = true;
        lastFetch = Date.now();
        session.client.query('alarms', { all: true, limit: COMPLETE_LIMIT }).then((r) => (this.complete = r), () => undefined).finally(() => (inFlight = false));
      };
      const wait = Math.max(0, lastFetch + REFETCH_MS - Date.now());
      if (wait === 0) {
        fetchNow();
        return;
      }
      const t = setTimeout(fetchNow, wait);
      return () => clearTimeout(t);
    });
    this.rows = $derived.by(() => {
      const all = (wantComplete ? this.complete : null) ?? session.controlRoom.snapshot?.alarms ?? [];
      return filterAlarms(this.showAll ? all : orderAlarms(all), this.query, textOf);
    });
    this.notListed = $derived.by(() => {
      const s = session.controlRoom.snapshot;
      if (!s) return 0;
      const listed = (wantComplete ? this.complete : null)?.length ?? s.alarms.length;
      return Math.max(0, s.kpis.shown + s.kpis.hidden - listed);
    });
  }
}
