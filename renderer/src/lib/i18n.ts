/** Every text on the wall, in one table: zh-CN first, English second. */
export type Lang = 'zh' | 'en';

const T = {
  appTitle: { zh: '十堰市城市运行管理服务平台 · 一网统管', en: 'Shiyan City Operations · One Network' },
  screen_overview: { zh: '城市运行总览', en: 'City overview' },
  screen_lifelines: { zh: '城市生命线', en: 'Lifelines' },
  screen_bridges: { zh: '桥梁与道路', en: 'Bridges and roads' },
  screen_construction: { zh: '建筑施工安全', en: 'Construction sites' },
  screen_housing: { zh: '房屋安全与防汛', en: 'Housing and flood season' },
  screen_waste: { zh: '环卫设施与公园', en: 'Waste facilities and parks' },
  screen_asset: { zh: '设施详情', en: 'Asset detail' },
  kpi_title: { zh: '设施 · 在线 · 读数/秒', en: 'Assets · online · per s' },
  kpi_events: { zh: '1小时事件', en: 'Events 1 h' },
  kpi_severe: { zh: '橙红事件', en: 'Orange/red' },
  kpi_alarms: { zh: '活动报警', en: 'Active alarms' },
  kpi_hazards: { zh: '隐患(逾期)', en: 'Hazards (overdue)' },
  pending_loop: { zh: '报警与隐患闭环接入后显示', en: 'shown once the alarm/hazard loop is connected' },
  events_title: { zh: '实时事件', en: 'Live events' },
  map_title: { zh: '十堰市风险四色图', en: 'Shiyan four-colour risk map' },
  map_note: { zh: '按近1小时事件最高等级着色（风险分级管控接入前）', en: 'coloured by the highest event severity in the last hour (until the risk register is connected)' },
  trends_title: { zh: '24小时趋势', en: '24-hour trends' },
  health_title: { zh: '数据健康', en: 'Data health' },
  feeds_fresh: { zh: '正常', en: 'fresh' },
  feeds_late: { zh: '延迟', en: 'late' },
  feeds_silent: { zh: '中断', en: 'silent' },
  nats_link: { zh: '消息总线', en: 'NATS link' },
  engine_link: { zh: '引擎连接', en: 'Engine link' },
  link_up: { zh: '正常', en: 'up' },
  link_down: { zh: '中断', en: 'down' },
  gaps_possible: { zh: '无持久流：断线期间数据可能缺失', en: 'no stream: data may be missing across disconnects' },
  banner_engine: { zh: '与运行引擎的连接已中断，正在重连…… 画面数据停止更新', en: 'Connection to the engine lost, reconnecting… data on screen is not updating' },
  banner_nats: { zh: '消息总线(NATS)连接中断：各类感知数据暂停接入', en: 'NATS link down: city feeds are not arriving' },
  stale: { zh: '数据陈旧', en: 'STALE' },
  no_data: { zh: '暂无数据', en: 'No data' },
  age: { zh: '数据时间', en: 'data age' },
  just_now: { zh: '刚刚', en: 'just now' },
  seconds_ago: { zh: '{n}秒前', en: '{n} s ago' },
  minutes_ago: { zh: '{n}分钟前', en: '{n} min ago' },
  hours_ago: { zh: '{n}小时前', en: '{n} h ago' },
  source: { zh: '来源', en: 'Source' },
  query: { zh: '查询', en: 'Query' },
  range: { zh: '时段', en: 'Range' },
  generated: { zh: '生成于', en: 'Generated' },
  owner: { zh: '产权单位(谁拥有谁负责)', en: 'Owner (who owns is responsible)' },
  supervisor: { zh: '主管部门(谁主管谁负责)', en: 'Supervisor (who supervises is responsible)' },
  approver: { zh: '审批部门(谁审批谁负责)', en: 'Approver (who approved is responsible)' },
  location: { zh: '位置', en: 'Location' },
  kind: { zh: '类型', en: 'Kind' },
  district: { zh: '行政区', en: 'District' },
  threshold: { zh: '阈值', en: 'threshold' },
  interrupt: { zh: '紧急事件', en: 'Critical event' },
  ack_to_resume: { zh: '确认后恢复轮播', en: 'acknowledge to resume the rotation' },
  acknowledge: { zh: '确认', en: 'Acknowledge' },
  language: { zh: 'English', en: '中文' },
  severity_red: { zh: '重大', en: 'Major' },
  severity_orange: { zh: '较大', en: 'Significant' },
  severity_yellow: { zh: '一般', en: 'Moderate' },
  severity_blue: { zh: '低', en: 'Low' },
  quarantined: { zh: '隔离', en: 'quarantined' },
  received: { zh: '接收', en: 'received' },
  select_asset: { zh: '点击地图或列表中的设施查看详情', en: 'Click an asset on the map or in a list for its detail' },
  events_of_asset: { zh: '设施事件', en: 'Asset events' },
  // threshold labels, with the standard each comes from
  th_water_min_short: { zh: '0.14MPa', en: '0.14 MPa' },
  th_landfill_5: { zh: '5%', en: '5 %' },
  th_h2s: { zh: 'MAC 10mg/m³ (GBZ 2.1-2019)', en: 'MAC 10 mg/m³ (GBZ 2.1-2019)' },
  th_gas_l1: { zh: '一级报警 25%LEL (GB/T 50493-2019)', en: 'Level 1 alarm 25 %LEL (GB/T 50493-2019)' },
  th_gas_l2: { zh: '二级报警 50%LEL', en: 'Level 2 alarm 50 %LEL' },
  th_pit: { zh: '位移预警 (GB 50497-2019)', en: 'Displacement warning (GB 50497-2019)' },
  th_guarantee_short: { zh: '保证', en: 'Guarantee' },
  th_guarantee: { zh: '保证水位 5.5m', en: 'Guarantee level 5.5 m' },
  th_tilt: { zh: '倾斜率0.7% (GB 50292-2015)', en: 'Tilt 0.7 % (GB 50292-2015)' },
  th_wind: { zh: '六级风停止作业 (JGJ 196-2010)', en: 'Force 6: stop work (JGJ 196-2010)' },
  th_crane_limit: { zh: '力矩限制 100%', en: 'Moment limit 100 %' },
  th_crane_warn: { zh: '力矩预警 90% (GB 5144-2006)', en: 'Moment warning 90 % (GB 5144-2006)' },
  th_heavy_rain: { zh: '大暴雨', en: 'Heavy rainstorm' },
  th_strain: { zh: '应变预警值', en: 'Strain warning' },
  th_tunnel_ch4: { zh: '报警 20%LEL (GB 50838-2015)', en: 'Alarm 20 %LEL (GB 50838-2015)' },
  th_deflection: { zh: '挠度预警值', en: 'Deflection warning' },
  th_rainstorm: { zh: '暴雨 16mm/h (GB/T 28592-2012)', en: 'Rainstorm 16 mm/h (GB/T 28592-2012)' },
  th_water_min: { zh: '最低服务压力 0.14MPa (CJJ 207-2013)', en: 'Min. service pressure 0.14 MPa (CJJ 207-2013)' },
  th_landfill: { zh: '构筑物内 1.25% (GB 16889-2008)', en: 'Inside structures 1.25 % (GB 16889-2008)' },
  th_settle_10: { zh: '沉降预警 10mm', en: 'Settlement warning 10 mm' },
  th_settle: { zh: '沉降预警', en: 'Settlement warning' },
  th_overflow: { zh: '溢流预警 1.5m', en: 'Overflow warning 1.5 m' },
  th_crack: { zh: '裂缝预警 1mm', en: 'Crack warning 1 mm' },
  th_warning_short: { zh: '警戒', en: 'Warning' },
  th_warning_level: { zh: '警戒水位 4.5m', en: 'Warning level 4.5 m' },
  th_design_load: { zh: '设计荷载 55t', en: 'Design load 55 t' },
  th_design_load_short: { zh: '设计荷载', en: 'Design load' },
  th_overload: { zh: '过载', en: 'Overload' },
  th_heavy_load: { zh: '重载 90%', en: 'Heavy load 90 %' },
  th_limit: { zh: '限制', en: 'Limit' },
  th_warn: { zh: '预警', en: 'Warning' },
} as const satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof T;

export function t(lang: Lang, key: TextKey, vars: Record<string, string | number> = {}): string {
  let s: string = T[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replace(`{${k}}`, String(v));
  return s;
}

export const DOMAIN_NAMES: Record<string, Record<Lang, string>> = {
  water: { zh: '供水', en: 'Water' }, drainage: { zh: '排水', en: 'Drainage' }, power: { zh: '电力', en: 'Power' },
  gas: { zh: '燃气', en: 'Gas' }, heat: { zh: '供热', en: 'Heat' }, bridge: { zh: '桥梁', en: 'Bridges' },
  road: { zh: '道路', en: 'Roads' }, pipeline: { zh: '地下管线', en: 'Pipelines' }, tunnel: { zh: '综合管廊', en: 'Utility tunnels' },
  waste: { zh: '环卫设施', en: 'Waste' }, park: { zh: '公园', en: 'Parks' }, construction: { zh: '建筑施工', en: 'Construction' },
  building: { zh: '房屋', en: 'Buildings' }, flood: { zh: '防汛', en: 'Flood' },
};

export const METRIC_NAMES: Record<string, Record<Lang, string>> = {
  pressure_mpa: { zh: '管网压力', en: 'Pipe pressure' }, flow_m3h: { zh: '流量', en: 'Flow' },
  residual_cl_mgl: { zh: '余氯', en: 'Residual chlorine' }, level_m: { zh: '井内水位', en: 'Manhole level' },
  load_pct: { zh: '负载率', en: 'Load' }, cable_temp_c: { zh: '电缆温度', en: 'Cable temperature' },
  lel_pct: { zh: '可燃气体浓度', en: 'Combustible gas' }, pressure_kpa: { zh: '燃气压力', en: 'Gas pressure' },
  supply_temp_c: { zh: '供水温度', en: 'Supply temperature' }, return_temp_c: { zh: '回水温度', en: 'Return temperature' },
  strain_ue: { zh: '应变', en: 'Strain' }, deflection_mm: { zh: '挠度', en: 'Deflection' }, vehicle_load_t: { zh: '车辆荷载', en: 'Vehicle load' },
  settlement_mm: { zh: '路面沉降', en: 'Settlement' }, surface_temp_c: { zh: '路面温度', en: 'Surface temperature' },
  leak_noise_db: { zh: '漏损噪声', en: 'Leak noise' }, o2_pct: { zh: '氧气', en: 'Oxygen' }, ch4_lel_pct: { zh: '甲烷', en: 'Methane' },
  h2s_ppm: { zh: '硫化氢', en: 'Hydrogen sulphide' }, water_level_mm: { zh: '舱内积水', en: 'Water in tunnel' },
  leachate_level_m: { zh: '渗滤液水位', en: 'Leachate level' }, methane_pct: { zh: '填埋气甲烷', en: 'Landfill methane' },
  crowd_count: { zh: '游园人数', en: 'Visitors' }, crane_load_pct: { zh: '塔吊载荷', en: 'Crane load' }, wind_speed_ms: { zh: '风速', en: 'Wind speed' },
  pit_displacement_mm: { zh: '基坑位移', en: 'Pit displacement' }, water_level_m: { zh: '基坑水位', en: 'Pit water level' },
  formwork_settlement_mm: { zh: '高支模沉降', en: 'Formwork settlement' }, axial_force_kn: { zh: '立杆轴力', en: 'Post axial force' },
  tilt_deg: { zh: '房屋倾斜', en: 'Building tilt' }, crack_width_mm: { zh: '裂缝宽度', en: 'Crack width' },
  river_level_m: { zh: '河道水位', en: 'River level' }, rainfall_mm_h: { zh: '雨强', en: 'Rainfall' },
};

export function domainName(lang: Lang, d: string): string {
  return DOMAIN_NAMES[d]?.[lang] ?? d;
}
export function metricName(lang: Lang, m: string): string {
  return METRIC_NAMES[m]?.[lang] ?? m;
}

export function ageText(lang: Lang, ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 2) return t(lang, 'just_now');
  if (s < 120) return t(lang, 'seconds_ago', { n: s });
  if (s < 7200) return t(lang, 'minutes_ago', { n: Math.round(s / 60) });
  return t(lang, 'hours_ago', { n: Math.round(s / 3600) });
}
