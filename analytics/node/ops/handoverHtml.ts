import { SHIYAN_DISTRICTS } from '../../common/city.js';
import { domainName, riskReasonText, t, type Lang } from '../../common/i18n.js';
import { handoverFigures, shiftHazards, type HandoverFigure } from '../../common/ops/handoverReport.js';
import type { HandoverReport } from './handover.js';
import { keyOf } from '../../common/vocabulary.js';

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A picture as inline SVG: shapes and words only, every word and value escaped. */
function svg(f: HandoverFigure): string {
  const tip = (s: string): string => (s ? `<title>${esc(s)}</title>` : '');
  return `<figure class="pic" data-picture="${esc(f.key)}"><figcaption>${esc(f.title)}</figcaption>`
    + `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(f.title)}" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}">`
    + f.rects.map((r) => `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" fill="${esc(r.fill)}">${tip(r.tip)}</rect>`).join('')
    + f.lines.map((l) => `<line x1="${l.x1}" y1="${l.y1}" x2="${l.x2}" y2="${l.y2}" stroke="${esc(l.stroke)}"${l.dash ? ' stroke-dasharray="5 3" stroke-width="1.5"' : ''}/>`).join('')
    + f.texts.map((x) => `<text x="${x.x}" y="${x.y}" text-anchor="${x.anchor}" fill="${esc(x.fill)}">${esc(x.text)}</text>`).join('')
    + '</svg></figure>';
}

/**
 * The handover report as a self-contained printable page (no script, no external resource): what
 * `cityops handover` prints to PDF with Chromium and what a browser prints or saves as PDF.
 */
export function handoverHtml(r: HandoverReport, lang: Lang, ruleTitle: (rule: string) => string, assetName: (key: string) => string = (k) => k,
  deviceName: (device: string) => string = (d) => d): string {
  const when = (ms: number): string => new Date(ms).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: 'Asia/Shanghai', hour12: false });
  const prio = (p: string): string => t(lang, `prio_${p as 'critical'}`);
  const li = (items: string[]): string => (items.length ? `<ul>${items.map((x) => `<li>${x}</li>`).join('')}</ul>` : '<p class="none">—</p>');
  // reports kept before they had pictures have none
  const pic = r.pictures ? handoverFigures(r.pictures, lang, 'Asia/Shanghai') : null;
  const hz = (h: HandoverReport['hazards']['opened'][number]): string =>
    `${esc(h.title)} · ${esc(t(lang, h.grade === 'major' ? 'grade_major' : 'grade_general'))} · ${esc(t(lang, `stage_${h.stage as 'found'}`))} · ${esc(domainName(lang, h.domain))}${h.assignee ? ` · ${esc(h.assignee)}` : ''}`;
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${esc(t(lang, 'handover_title'))}</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif; color: #000; margin: 24px 32px; font-size: 13px; }
  h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; border-bottom: 1px solid #888; margin: 16px 0 4px; }
  ul { margin: 0; padding-left: 20px; } .notes { white-space: pre-wrap; margin: 0; } .meta { color: #444; } .none { color: #666; margin: 0; }
  table { border-collapse: collapse; } td { padding: 2px 10px 2px 0; }
  .sign td { padding: 18px 40px 4px 0; border-bottom: 1px solid #000; min-width: 180px; }
  .pic { margin: 6px 0 8px; break-inside: avoid; } .pic figcaption { font-size: 12px; color: #333; margin-bottom: 2px; }
  .pic svg { display: block; max-width: 100%; height: auto; font-size: 11px; }
</style></head><body>
<h1>${esc(t(lang, 'appTitle'))} · ${esc(t(lang, 'handover_title'))}</h1>
<p class="meta">${esc(t(lang, 'handover_shift'))}${esc(t(lang, 'colon'))}${esc(when(r.fromMs))} – ${esc(when(r.toMs))} · ${esc(t(lang, 'generated'))} ${esc(when(r.generatedAtMs))}<br>${esc(t(lang, 'handover_digest'))} ${esc(r.sha256)}</p>
<h2>${esc(t(lang, 'handover_summary'))}</h2><p class="notes">${esc(r.notes.summary || '—')}</p>
<h2>${esc(t(lang, 'handover_pending_items'))}</h2><p class="notes">${esc(r.notes.pending || '—')}</p>
<h2>${esc(t(lang, 'handover_key_events'))}${esc(t(lang, 'colon'))}${r.keyEvents.length}</h2>
${li(r.keyEvents.map((e) => `${esc(when(e.atMs))} · ${esc(t(lang, `ke_${e.kind}`))} · ${esc(e.kind === 'critical_alarm' ? `${ruleTitle(e.what)} · ${assetName(e.ref.split('#')[0] ?? '')}` : e.kind === 'risk_red' ? assetName(e.ref) : e.what)}`))}
<h2>${esc(t(lang, 'handover_raised'))}${esc(t(lang, 'colon'))}${r.alarms.raised}</h2>
<p>${Object.entries(r.alarms.raisedByPriority).map(([p, n]) => `${esc(prio(p))} ${n}`).join(' · ')}</p>
${pic ? svg(pic.alarms) : ''}
<h2>${esc(t(lang, 'handover_standing'))}${esc(t(lang, 'colon'))}${r.alarms.standing.length}</h2>
${li(r.alarms.standing.slice(0, 100).map((a) => `${esc(prio(a.priority))} · ${esc(ruleTitle(a.rule))} · ${esc(domainName(lang, a.domain))} ${esc(assetName(keyOf(a)))} · ${esc(when(a.raisedAtMs))} · ${esc(t(lang, `state_${a.state}`))}`))}
<h2>${esc(t(lang, 'handover_shelved'))}${esc(t(lang, 'colon'))}${r.alarms.shelved.length}</h2>
${li(r.alarms.shelved.map((a) => `${esc(ruleTitle(a.rule))} · ${esc(assetName(keyOf(a)))} · ${esc(a.shelved?.reason ?? '')} (${esc(a.shelved?.by ?? '')})`))}
<h2>${esc(t(lang, 'handover_hazards'))}</h2>
<p><span>${esc(t(lang, 'handover_new'))}${esc(t(lang, 'colon'))}${r.hazards.opened.length}</span> · <span>${esc(t(lang, 'handover_closed'))}${esc(t(lang, 'colon'))}${r.hazards.closed.length}</span> · <span>${esc(t(lang, 'handover_overdue'))}${esc(t(lang, 'colon'))}${r.hazards.overdue.length}</span></p>
${pic ? svg(pic.hazards) : ''}
${li(shiftHazards(r).map((h) => `${hz(h)}${h.opened ? ` · ${esc(t(lang, 'handover_tag_new'))}` : ''}${h.closed ? ` · ${esc(t(lang, 'handover_tag_closed'))}` : ''}${h.overdue ? ` · ${esc(t(lang, 'handover_tag_overdue'))}` : ''}`))}
<h2>${esc(t(lang, 'handover_red'))}${esc(t(lang, 'colon'))}${r.risksTurnedRed.length}</h2>
${pic ? svg(pic.red) : ''}
${li(r.risksTurnedRed.map((c) => {
    const code = c.key.startsWith('district/') ? c.key.slice(9) : null;
    const d = SHIYAN_DISTRICTS.find((x) => x.code === code);
    const worst = /^worst asset (.+)$/.exec(c.reasons[0] ?? '')?.[1];
    const why = code !== null
      ? (worst ? assetName(worst) : '')
      : c.factors.map((f) => riskReasonText(lang, f)).join(lang === 'zh' ? '；' : '; ');
    const name = code === null ? assetName(c.key) : `${t(lang, 'district')} ${d ? (lang === 'zh' ? d.zh : d.en) : code}`;
    return `${esc(name)} · ${esc(when(c.atMs))} · ${esc(why)}`;
  }))}
<h2>${esc(t(lang, 'alarm_kpis'))}</h2>
<table><tr><td>${esc(t(lang, 'kpi_per_10min'))} (avg)</td><td>${r.kpis.averagePer10Min}</td></tr>
<tr><td>${esc(t(lang, 'kpi_flood_share'))}</td><td>${r.kpis.floodSharePct} %</td></tr>
<tr><td>${esc(t(lang, 'kpi_chattering'))}</td><td>${r.kpis.chattering.length}</td></tr>
<tr><td>${esc(t(lang, 'kpi_stale'))}</td><td>${r.kpis.stale.length}</td></tr>
<tr><td>${esc(t(lang, 'kpi_mix'))}</td><td>${r.kpis.priorityMix.map((m) => `${esc(prio(m.priority))} ${m.pct} % (${m.targetPct} %)`).join(' · ')}</td></tr></table>
<h2>${esc(t(lang, 'handover_signatures'))}</h2>
${li(r.signatures.map((s) => `${esc(t(lang, s.as === 'outgoing' ? 'handover_sign_out' : 'handover_sign_in'))}${esc(t(lang, 'colon'))}${esc(s.name)}（${esc(deviceName(s.device))}） · ${esc(when(s.atMs))} · SHA-256 ${esc(s.reportSha256.slice(0, 16))}…`))}
<table class="sign"><tr><td>${esc(t(lang, 'handover_sign_out'))}:</td><td>${esc(t(lang, 'handover_sign_in'))}:</td></tr></table>
</body></html>
`;
}
