import type { AlarmView } from '../../../analytics/common/ops/controlRoomViews';
import type { EngineSession } from '../lib/engineSession.svelte';
import { domainName, type Lang } from '../lib/i18n';
import { orderAlarms } from '../lib/alarmDisplay';
import { filterAlarms, NO_ALARM_QUERY, type AlarmQuery } from './alarmFilter';

/** The alarm table's search, filters and sorting over the shared operational picture. */
export class AlarmList {
  /** Shelved, suppressed and out-of-service alarms shown too. */
  showAll = $state(false);
  query = $state<AlarmQuery>({ ...NO_ALARM_QUERY });
  readonly rows: AlarmView[];

  constructor(session: EngineSession, lang: () => Lang) {
    // what a search matches: the asset's name and id, the rule's title, the district and the domain
    const textOf = (a: AlarmView): string =>
      `${session.assetName(a.domain, a.district, a.asset)} ${a.asset} ${session.controlRoom.ruleTitle(a.rule, lang())} ${a.district} ${domainName(lang(), a.domain)}`;
    this.rows = $derived.by(() => {
      const all = session.controlRoom.snapshot?.alarms ?? [];
      return filterAlarms(this.showAll ? all : orderAlarms(all), this.query, textOf);
    });
  }
}
