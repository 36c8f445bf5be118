import type { AlarmKpis } from './alarmKpis.js';
import type { AlarmView, Signature } from './controlRoomViews.js';
import type { RiskChange } from '../risk/riskRegister.js';
import { SHIYAN_DISTRICTS } from '../city.js';
import { t, type Lang, type TextKey } from '../i18n.js';
import { PRIORITIES, type Priority } from '../vocabulary.js';

/** What the outgoing leader writes into the report before it is signed. */
export interface HandoverNotes {
  /** 交班说明: how the shift went, in the leader's words. */
  summary: string;
  /** 遗留事项: what the incoming shift must follow up. */
  pending: string;
}
export const NO_NOTES: HandoverNotes = { summary: '', pending: '' };

/** A key event of the shift, oldest first: critical alarms, major hazards found, cases closed, risks turned red. */
export interface KeyEvent {
  atMs: number;
  kind: 'critical_alarm' | 'hazard_opened' | 'hazard_closed' | 'risk_red' | 'incident_opened' | 'incident_closed';
  /** The alarm's point, the case's id or the register key: the reader shows its name. */
  ref: string;
  /** The case's title (hazards) or the rule id (alarms). */
  what: string;
}

/** The shift handover (交接班): generated from the data of the shift, signed by both leaders, kept. */
export interface HandoverReport {
  fromMs: number;
  toMs: number;
  generatedAtMs: number;
  notes: HandoverNotes;
  keyEvents: KeyEvent[];
  alarms: {
    raised: number;
    raisedByPriority: Record<string, number>;
    /** Standing and not shelved (a shelved alarm is listed once, under shelved). */
    standing: AlarmView[];
    shelved: AlarmView[];
  };
  hazards: {
    opened: HazardSummary[];
    closed: HazardSummary[];
    overdue: HazardSummary[];
    stillOpen: number;
  };
  risksTurnedRed: RiskChange[];
  kpis: AlarmKpis;
  /** The shift in pictures; hashed and signed with the rest. Reports kept before there were pictures have none. */
  pictures?: HandoverPictures;
  signatures: Signature[];
  /** SHA-256 of the report without its signatures: what both leaders sign. Signing never changes it. */
  sha256: string;
}

export interface HazardSummary {
  id: string;
  title: string;
  grade: string;
  stage: string;
  domain: string;
  district: string;
  asset: string | null;
  assignee: string | null;
  deadlineMs: number | null;
}

/** A case of the shift listed once, with every way it concerns the shift. */
export interface ShiftHazard extends HazardSummary {
  opened: boolean;
  closed: boolean;
  overdue: boolean;
}

/** The shift's cases, each once: overdue first, then new, then closed (a case new and closed in one shift is one line). */
export function shiftHazards(r: Pick<HandoverReport, 'hazards'>): ShiftHazard[] {
  const byId = new Map<string, ShiftHazard>();
  const add = (h: HazardSummary, flag: 'opened' | 'closed' | 'overdue'): void => {
    const seen = byId.get(h.id) ?? { ...h, opened: false, closed: false, overdue: false };
    seen[flag] = true;
    byId.set(h.id, seen);
  };
  for (const h of r.hazards.overdue) add(h, 'overdue');
  for (const h of r.hazards.opened) add(h, 'opened');
  for (const h of r.hazards.closed) add(h, 'closed');
  return [...byId.values()];
}

/** One bar of the alarms picture: the raises of one period by priority. */
export type AlarmBin = { startMs: number } & Record<Priority, number>;

/** The data the report's pictures draw, computed with the report from the same state. */
export interface HandoverPictures {
  alarmsPer10Min: {
    /** 10 minutes; wider only for a report longer than two days (floods are still found per 10 minutes). */
    binMs: number;
    /** On the clock's grid, from the period holding the shift's start to the one holding its end; raises in the shift only. */
    bins: AlarmBin[];
    /** More raises than this in one 10-minute period is a flood (ISA-18.2, for one operator). */
    floodAbove: number;
    /** The 10-minute periods over `floodAbove`, consecutive ones merged, oldest first. */
    floods: { startMs: number; endMs: number }[];
  };
  /** The cases not closed at the end of the shift per open stage, those past their deadline apart. */
  hazardsByStage: { stage: string; onTime: number; overdue: number }[];
  /** Changes to red in the shift per district (code): its assets' and the district's own. */
  redByDistrict: { code: string; assets: number; whole: number }[];
}

/** A picture as shapes in its own pixel space: the printed page writes it as SVG, the console draws the same. */
export interface HandoverFigure {
  key: 'alarms' | 'hazards' | 'red';
  title: string;
  width: number;
  height: number;
  rects: { x: number; y: number; w: number; h: number; fill: string; tip: string }[];
  lines: { x1: number; y1: number; x2: number; y2: number; stroke: string; dash: boolean }[];
  texts: { x: number; y: number; text: string; anchor: 'start' | 'middle' | 'end'; fill: string }[];
}

const TEN_MIN_MS = 600_000;
/** Printable colours, darkest for the most urgent. */
export const PRIORITY_FILL: Record<Priority, string> = { critical: '#b00020', high: '#e07000', medium: '#d8b400', low: '#6f93c6' };
const FLOOD_FILL = '#f6d0d0';
const FLOOD_MARK = '#e04848';
const LATE_FILL = '#b00020';
const ON_TIME_FILL = '#7d97b8';
const INK = '#000';
const GREY = '#555';
const GRID = '#ddd';
const W = 760;

const r1 = (x: number): number => Math.round(x * 10) / 10;
/** 1, 2 or 5 times a power of ten: a step that puts at most `most` gridlines under `max`. */
function niceStep(max: number, most: number): number {
  const raw = Math.max(1, max / most);
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

type Parts = Pick<HandoverFigure, 'rects' | 'lines' | 'texts'>;
const parts = (): Parts => ({ rects: [], lines: [], texts: [] });
const rect = (p: Parts, x: number, y: number, w: number, h: number, fill: string, tip = ''): void => {
  p.rects.push({ x: r1(x), y: r1(y), w: r1(Math.max(0, w)), h: r1(Math.max(0, h)), fill, tip });
};
const line = (p: Parts, x1: number, y1: number, x2: number, y2: number, stroke: string, dash = false): void => {
  p.lines.push({ x1: r1(x1), y1: r1(y1), x2: r1(x2), y2: r1(y2), stroke, dash });
};
const text = (p: Parts, x: number, y: number, s: string, anchor: 'start' | 'middle' | 'end' = 'start', fill = INK): void => {
  p.texts.push({ x: r1(x), y: r1(y), text: s, anchor, fill });
};
/** A legend left to right from `x`: a swatch (or a dashed line) and its words each. */
function legend(p: Parts, x: number, y: number, items: { fill: string; label: string; dashed?: boolean }[]): void {
  for (const it of items) {
    if (it.dashed) line(p, x, y - 4, x + 14, y - 4, it.fill, true);
    else rect(p, x, y - 9, 14, 10, it.fill);
    text(p, x + 18, y, it.label);
    // CJK text is about one em a character, Latin about half
    x += 18 + [...it.label].reduce((n, c) => n + (c.charCodeAt(0) > 0x2e80 ? 11 : 5.8), 0) + 16;
  }
}

/**
 * The report's pictures laid out: alarms per 10 minutes (stacked by priority, the flood periods
 * shaded, the flood line dashed), open cases by stage (past their deadline apart) and the risks that
 * turned red per district. Times are HH:mm in `timeZone` (the viewer's own when undefined).
 */
export function handoverFigures(p: HandoverPictures, lang: Lang, timeZone?: string): Record<HandoverFigure['key'], HandoverFigure> {
  return { alarms: alarmsFigure(p.alarmsPer10Min, lang, timeZone), hazards: hazardsFigure(p.hazardsByStage, lang), red: redFigure(p.redByDistrict, lang) };
}

function alarmsFigure(a: HandoverPictures['alarmsPer10Min'], lang: Lang, timeZone: string | undefined): HandoverFigure {
  const H = 240;
  const f = parts();
  const [L, R, T, B] = [40, W - 24, 38, H - 24];
  const first = a.bins[0]?.startMs ?? 0;
  const span = Math.max(1, a.bins.length * a.binMs);
  const x = (ms: number): number => L + ((ms - first) / span) * (R - L);
  const total = (b: AlarmBin): number => PRIORITIES.reduce((n, pr) => n + b[pr], 0);
  const perTen = a.binMs === TEN_MIN_MS;
  const most = Math.max(0, ...a.bins.map(total), perTen ? a.floodAbove + 1 : 0);
  const step = niceStep(most, 5);
  const top = Math.max(step, Math.ceil(most / step) * step);
  const y = (n: number): number => B - (n / top) * (B - T);
  const prio = (pr: Priority): string => t(lang, `prio_${pr}` as TextKey);
  legend(f, L, 14, [
    ...PRIORITIES.map((pr) => ({ fill: PRIORITY_FILL[pr], label: prio(pr) })),
    { fill: FLOOD_MARK, label: t(lang, 'handover_pic_flood', { n: a.floodAbove }) },
    ...(perTen ? [{ fill: LATE_FILL, label: t(lang, 'handover_pic_flood_line'), dashed: true }] : []),
  ]);
  // a flood period: shaded behind its bars, and a strip above the plot that tall bars cannot hide
  for (const fl of a.floods) {
    const [x0, x1] = [x(Math.max(fl.startMs, first)), x(Math.min(fl.endMs, first + span))];
    rect(f, x0, T, x1 - x0, B - T, FLOOD_FILL);
    rect(f, x0, T - 9, x1 - x0, 6, FLOOD_MARK);
  }
  for (let n = 0; n <= top; n += step) {
    line(f, L, y(n), R, y(n), n === 0 ? GREY : GRID);
    text(f, L - 5, y(n) + 4, String(n), 'end', GREY);
  }
  const hhmm = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
    timeZone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit', ...(span > 86_400_000 ? { month: 'numeric', day: 'numeric' } : {}),
  });
  const barW = (a.binMs / span) * (R - L);
  for (const b of a.bins) {
    let at = 0;
    const tip = `${hhmm.format(b.startMs)}–${hhmm.format(b.startMs + a.binMs)} · ${PRIORITIES.map((pr) => `${prio(pr)} ${b[pr]}`).join(' · ')}`;
    for (const pr of PRIORITIES) {
      if (b[pr] === 0) continue;
      rect(f, x(b.startMs) + (barW > 3 ? 0.5 : 0), y(at + b[pr]), barW > 3 ? barW - 1 : barW, y(at) - y(at + b[pr]), PRIORITY_FILL[pr], tip);
      at += b[pr];
    }
  }
  // a bar above the line is a flood
  if (perTen) line(f, L, y(a.floodAbove), R, y(a.floodAbove), LATE_FILL, true);
  // ticks on the clock: the smallest of these steps that gives at most 12 labels
  const tick = [TEN_MIN_MS, 3 * TEN_MIN_MS, 6 * TEN_MIN_MS, 12 * TEN_MIN_MS, 24 * TEN_MIN_MS, 48 * TEN_MIN_MS, 144 * TEN_MIN_MS].find((s) => span / s <= 12) ?? 86_400_000 * Math.ceil(span / 12 / 86_400_000);
  for (let at = Math.ceil(first / tick) * tick; at <= first + span; at += tick) {
    line(f, x(at), B, x(at), B + 4, GREY);
    text(f, x(at), B + 16, hhmm.format(at), 'middle', GREY);
  }
  if (!a.bins.some((b) => total(b) > 0)) text(f, (L + R) / 2, (T + B) / 2, t(lang, 'handover_pic_none'), 'middle', GREY);
  return { key: 'alarms', title: t(lang, 'handover_pic_alarms', { min: a.binMs / 60_000 }), width: W, height: H, ...f };
}

/** Horizontal bars, one row each: the label left, the bar, its words right. */
function rowsFigure(key: HandoverFigure['key'], title: string, rows: { label: string; parts: { n: number; fill: string }[]; after: string }[], head: Parts | null): HandoverFigure {
  const f = head ?? parts();
  const [L, T, ROW] = [170, head ? 30 : 10, 24];
  const most = Math.max(1, ...rows.map((r) => r.parts.reduce((n, p) => n + p.n, 0)));
  const scale = (W - L - 190) / most;
  rows.forEach((r, i) => {
    const y = T + i * ROW;
    text(f, L - 8, y + 13, r.label, 'end');
    let at = L;
    for (const p of r.parts) {
      rect(f, at, y + 2, p.n * scale, ROW - 8, p.fill, `${r.label} ${r.after}`);
      at += p.n * scale;
    }
    text(f, at + 6, y + 13, r.after, 'start', GREY);
  });
  line(f, L, T - 2, L, T + rows.length * ROW - 4, GREY);
  return { key, title, width: W, height: T + Math.max(1, rows.length) * ROW + 4, ...f };
}

function hazardsFigure(stages: HandoverPictures['hazardsByStage'], lang: Lang): HandoverFigure {
  const head = parts();
  legend(head, 170, 14, [{ fill: ON_TIME_FILL, label: t(lang, 'handover_pic_on_time') }, { fill: LATE_FILL, label: t(lang, 'handover_pic_overdue') }]);
  return rowsFigure('hazards', t(lang, 'handover_pic_hazards'), stages.map((s) => ({
    label: t(lang, `stage_${s.stage}` as TextKey),
    parts: [{ n: s.onTime, fill: ON_TIME_FILL }, { n: s.overdue, fill: LATE_FILL }],
    after: `${s.onTime + s.overdue}${s.overdue ? ` · ${t(lang, 'handover_pic_overdue_n', { n: s.overdue })}` : ''}`,
  })), head);
}

function redFigure(districts: HandoverPictures['redByDistrict'], lang: Lang): HandoverFigure {
  const title = t(lang, 'handover_pic_red');
  if (districts.length === 0) {
    const f = parts();
    text(f, 170, 16, t(lang, 'handover_pic_none'), 'start', GREY);
    return { key: 'red', title, width: W, height: 24, ...f };
  }
  const head = parts();
  legend(head, 170, 14, [{ fill: LATE_FILL, label: t(lang, 'handover_pic_red_assets') }]);
  return rowsFigure('red', title, districts.map((d) => {
    const known = SHIYAN_DISTRICTS.find((x) => x.code === d.code);
    return {
      label: known ? (lang === 'zh' ? known.zh : known.en) : d.code,
      parts: [{ n: d.assets, fill: LATE_FILL }],
      after: `${d.assets}${d.whole ? ` · ${t(lang, 'handover_pic_red_whole', { n: d.whole })}` : ''}`,
    };
  }), head);
}
