/** Every text of the product (wall, console, reports), in one table: zh-CN first, English second. */
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
  kpi_events: { zh: '近1小时事件', en: 'Events 1 h' },
  kpi_alarms: { zh: '活动报警', en: 'Active alarms' },
  kpi_hazards: { zh: '隐患（逾期）', en: 'Hazards (overdue)' },
  // alarms, hazards, risk, console, handover
  alarms_title: { zh: '实时报警', en: 'Live alarms' },
  alarms_none: { zh: '当前无报警', en: 'No standing alarms' },
  alarms_unack: { zh: '未确认', en: 'unacknowledged' },
  alarm_flood: { zh: '报警集中爆发（10分钟超10条），已归并显示', en: 'Alarm flood (over 10 in 10 minutes): grouped under first-out alarms' },
  alarm_grouped: { zh: '疑似由「{cause}」引发', en: 'probably caused by “{cause}”' },
  state_unack: { zh: '未确认', en: 'Unack' },
  state_ack: { zh: '已确认', en: 'Acked' },
  state_rtn_unack: { zh: '已恢复未确认', en: 'RTN unack' },
  state_latched: { zh: '锁存待复位', en: 'Latched' },
  state_normal: { zh: '正常', en: 'Normal' },
  prio_critical: { zh: '紧急', en: 'Critical' },
  prio_high: { zh: '重要', en: 'High' },
  prio_medium: { zh: '次要', en: 'Medium' },
  prio_low: { zh: '提示', en: 'Low' },
  shelved: { zh: '已搁置', en: 'Shelved' },
  suppressed: { zh: '已抑制', en: 'Suppressed' },
  out_of_service: { zh: '停用检修', en: 'Out of service' },
  silenced: { zh: '已消音', en: 'Silenced' },
  pending: { zh: '待同步', en: 'pending' },
  refused: { zh: '未执行', en: 'refused' },
  hazards_title: { zh: '隐患排查整治', en: 'Hazard cases' },
  hazards_none: { zh: '无未销号隐患', en: 'No open hazard cases' },
  hazard_overdue: { zh: '挂牌督办·逾期', en: 'OVERDUE · escalated' },
  hazard_escalated: { zh: '挂牌督办', en: 'Escalated' },
  grade_major: { zh: '重大隐患', en: 'Major hazard' },
  grade_general: { zh: '一般隐患', en: 'General hazard' },
  stage_found: { zh: '已发现', en: 'Found' },
  stage_dispatched: { zh: '已派发', en: 'Dispatched' },
  stage_rectifying: { zh: '整改中', en: 'Being rectified' },
  stage_verifying: { zh: '待复核', en: 'Awaiting verification' },
  stage_closed: { zh: '已销号', en: 'Closed' },
  deadline: { zh: '整改期限（截止日期）', en: 'Deadline (date)' },
  assignee: { zh: '责任单位', en: 'Assigned to' },
  risk_title: { zh: '风险清单', en: 'Risk register' },
  checklist_title: { zh: '隐患排查进度（30天）', en: 'Investigation progress (30 days)' },
  checklist_inspected: { zh: '已排查', en: 'Inspected' },
  checklist_findings: { zh: '检查项', en: 'Items checked' },
  checklist_failed: { zh: '发现问题', en: 'Problems' },
  checklist_open: { zh: '未销号（逾期）', en: 'Open (overdue)' },
  risk_red: { zh: '重大风险', en: 'Major risk' },
  risk_orange: { zh: '较大风险', en: 'Significant risk' },
  risk_yellow: { zh: '一般风险', en: 'Moderate risk' },
  risk_blue: { zh: '低风险', en: 'Low risk' },
  score: { zh: '风险值', en: 'Score' },
  factor_critical_alarms: { zh: '{n}个紧急报警未消除', en: '{n} critical alarm(s) standing' },
  factor_high_alarms: { zh: '{n}个重要报警未消除', en: '{n} high alarm(s) standing' },
  factor_major_hazards: { zh: '{n}项重大隐患未销号', en: '{n} open major hazard(s)' },
  factor_general_hazards: { zh: '{n}项一般隐患未销号', en: '{n} open general hazard(s)' },
  factor_overdue_hazards: { zh: '{n}项隐患逾期', en: '{n} overdue hazard(s)' },
  factor_failed_inspections: { zh: '30天内{n}项巡检不合格', en: '{n} failed inspection item(s) in 30 days' },
  factor_passed_inspections: { zh: '30天内巡检合格{n}次且无未结事项', en: '{n} passed inspections in 30 days, nothing open' },
  factor_routine_capped: { zh: '仅有巡检问题和一般隐患，不构成重大风险（最高为较大风险）', en: 'routine findings only: never a major risk (significant at most)' },
  role_wall: { zh: '大屏（只读）', en: 'Wall (read-only)' },
  role_shift_leader: { zh: '值班长', en: 'Shift leader' },
  role_analyst: { zh: '分析员', en: 'Analyst' },
  role_admin: { zh: '管理员', en: 'Administrator' },
  kpi_flood: { zh: '报警泛滥', en: 'Alarm flood' },
  console_title: { zh: '值班长工作台', en: "Shift leader's console" },
  act_ack: { zh: '确认（A）', en: 'Acknowledge (A)' },
  act_silence: { zh: '消音（X）', en: 'Silence (X)' },
  act_silence_all: { zh: '全部消音', en: 'Silence all' },
  act_shelve: { zh: '搁置（S）', en: 'Shelve (S)' },
  act_unshelve: { zh: '取消搁置', en: 'Unshelve' },
  act_reset: { zh: '复位（R）', en: 'Reset (R)' },
  act_raise: { zh: '转为隐患（H）', en: 'Raise hazard (H)' },
  act_raise_manual: { zh: '登记隐患', en: 'Register a hazard' },
  act_dispatch: { zh: '派发', en: 'Dispatch' },
  act_start: { zh: '开始整改', en: 'Start rectification' },
  act_report: { zh: '报告整改完成', en: 'Report done' },
  act_verify_pass: { zh: '复核通过销号', en: 'Verify and close' },
  act_verify_fail: { zh: '复核不通过退回', en: 'Send back' },
  act_comment: { zh: '备注', en: 'Comment' },
  act_attach: { zh: '附件', en: 'Attach' },
  act_attach_file: { zh: '添加附件…', en: 'Attach a file…' },
  act_cancel: { zh: '取消', en: 'Cancel' },
  act_submit: { zh: '提交', en: 'Submit' },
  reason: { zh: '原因', en: 'Reason' },
  minutes: { zh: '分钟', en: 'minutes' },
  note: { zh: '说明', en: 'Note' },
  title: { zh: '标题', en: 'Title' },
  grade: { zh: '等级', en: 'Grade' },
  five_items: { zh: '五落实（重大隐患派发前必填）', en: 'Five fixed items (required for a major hazard)' },
  five_measures: { zh: '整改措施', en: 'Measures' },
  five_funds: { zh: '整改资金', en: 'Funds' },
  five_person: { zh: '责任人', en: 'Responsible person' },
  five_plan: { zh: '应急预案', en: 'Contingency plan' },
  history: { zh: '处置记录', en: 'History' },
  alarm_kpis: { zh: '报警系统健康', en: 'Alarm system health' },
  kpi_per_10min: { zh: '近10分钟报警', en: 'Alarms in 10 min' },
  kpi_flood_share: { zh: '泛滥时间占比', en: 'Time in flood' },
  kpi_chattering: { zh: '振荡报警', en: 'Chattering' },
  kpi_stale: { zh: '长期未消除报警（>24小时）', en: 'Stale (> 24 h)' },
  kpi_mix: { zh: '优先级分布（目标）', en: 'Priority mix (target)' },
  kpi_top10: { zh: '报警次数前十', en: 'Top 10 offenders' },
  handover: { zh: '交接班', en: 'Handover' },
  handover_title: { zh: '值班交接班报告', en: 'Shift handover report' },
  handover_generate: { zh: '生成报告', en: 'Generate' },
  handover_print: { zh: '导出PDF或打印', en: 'Export PDF / print' },
  handover_sign_out: { zh: '交班人签字', en: 'Outgoing leader signs' },
  handover_sign_in: { zh: '接班人签字', en: 'Incoming leader signs' },
  handover_shift: { zh: '班次', en: 'Shift' },
  handover_raised: { zh: '本班报警', en: 'Alarms raised' },
  handover_standing: { zh: '仍在报警', en: 'Still standing' },
  handover_shelved: { zh: '搁置中', en: 'Shelved' },
  handover_new: { zh: '新增隐患', en: 'New hazards' },
  handover_closed: { zh: '销号隐患', en: 'Closed hazards' },
  handover_overdue: { zh: '逾期隐患', en: 'Overdue hazards' },
  handover_red: { zh: '升为红色的风险', en: 'Risks that turned red' },
  handover_signatures: { zh: '签字', en: 'Signatures' },
  name: { zh: '姓名', en: 'Name' },
  role_readonly: { zh: '只读角色：不能处置', en: 'Read-only role: no actions' },
  sound_on: { zh: '声音：开', en: 'Sound: on' },
  sound_off: { zh: '声音：关', en: 'Sound: off' },
  danger_title: { zh: '危大工程分类（住建部令第37号、建办质〔2018〕31号）', en: 'Dangerous works (MOHURD Order 37, Circular 31 of 2018)' },
  danger_none: { zh: '非危大工程', en: 'Not a dangerous sub-project' },
  danger_dangerous: { zh: '危大工程', en: 'Dangerous sub-project' },
  danger_beyond_scale: { zh: '超过一定规模的危大工程', en: 'Dangerous sub-project beyond scale' },
  settings_title: { zh: '桌面端设置', en: 'Desktop settings' },
  settings_desktop_only: { zh: '设置只在桌面应用中可用', en: 'Settings are available in the desktop app only' },
  settings_mode: { zh: '运行模式', en: 'Mode' },
  settings_mode_wall: { zh: '大屏', en: 'Video wall' },
  settings_mode_workstation: { zh: '工作站', en: 'Workstation' },
  settings_nats_url: { zh: '消息总线地址', en: 'NATS URL' },
  settings_nats_user: { zh: '用户名', en: 'User' },
  settings_nats_password: { zh: '密码（加密保存）', en: 'Password (stored encrypted)' },
  settings_role_token: { zh: '角色令牌（加密保存）', en: 'Role token (stored encrypted)' },
  settings_wall: { zh: '大屏配置', en: 'Wall configuration' },
  settings_login: { zh: '开机自动启动', en: 'Start at login' },
  settings_saved: { zh: '已保存，重启后生效', en: 'Saved; takes effect after a restart' },
  settings_stored: { zh: '已保存', en: 'stored' },
  keys_help: { zh: '↑↓选择 · A确认 · X消音 · S搁置 · R复位 · H转隐患 · Enter设施', en: '↑↓ select · A ack · X silence · S shelve · R reset · H hazard · Enter asset' },
  events_title: { zh: '实时事件', en: 'Live events' },
  map_title: { zh: '十堰市风险四色图', en: 'Shiyan four-colour risk map' },
  health_title: { zh: '数据健康', en: 'Data health' },
  feeds_tooltip: { zh: '{n}个数据源，{late}个延迟或中断', en: '{n} feeds, {late} late/silent' },
  nats_link: { zh: '消息总线', en: 'NATS link' },
  engine_link: { zh: '引擎连接', en: 'Engine link' },
  link_up: { zh: '正常', en: 'up' },
  link_down: { zh: '中断', en: 'down' },
  link_bundle: { zh: '无（离线数据包）', en: 'none (offline bundle)' },
  export_open: { zh: '导出数据', en: 'Export' },
  export_title: { zh: '导出数据包（供离线分析）', en: 'Export a bundle (for offline analysis)' },
  export_window: { zh: '时间范围', en: 'Window' },
  export_folder: { zh: '导出到文件夹（引擎所在机器上的绝对路径）', en: 'Folder (an absolute path on the engine\'s machine)' },
  export_folder_hint: { zh: '例如 /data/导出/夜班', en: 'e.g. /data/exports/night-shift' },
  export_domains: { zh: '行业（不选则全部）', en: 'Domains (none ticked: all)' },
  export_csv: { zh: '同时导出 CSV（供 Excel 打开）', en: 'Also write CSV (for Excel)' },
  export_run: { zh: '开始导出', en: 'Export' },
  export_running: { zh: '导出中…', en: 'Exporting…' },
  export_starting: { zh: '正在开始导出…', en: 'Starting the export…' },
  export_file: { zh: '已写入 {done}/{total} 个文件', en: 'Written {done} of {total} files' },
  export_done: { zh: '导出完成：{files} 个文件，{rows} 行，位于 {out}', en: 'Done: {files} files, {rows} rows, in {out}' },
  export_failed: { zh: '导出未完成', en: 'The export did not finish' },
  gaps_possible: { zh: '无持久流：断线期间数据可能缺失', en: 'no stream: data may be missing across disconnects' },
  banner_engine: { zh: '与运行引擎的连接已中断，正在重连…… 画面数据停止更新', en: 'Connection to the engine lost, reconnecting… data on screen is not updating' },
  banner_nats: { zh: '消息总线（NATS）连接中断：各类感知数据暂停接入', en: 'NATS link down: city feeds are not arriving' },
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
  owner: { zh: '产权单位（谁拥有谁负责）', en: 'Owner (who owns is responsible)' },
  supervisor: { zh: '主管部门（谁主管谁负责）', en: 'Supervisor (who supervises is responsible)' },
  approver: { zh: '审批部门（谁审批谁负责）', en: 'Approver (who approved is responsible)' },
  location: { zh: '位置', en: 'Location' },
  kind: { zh: '类型', en: 'Kind' },
  district: { zh: '行政区', en: 'District' },
  interrupt: { zh: '紧急事件', en: 'Critical event' },
  acknowledge: { zh: '确认', en: 'Acknowledge' },
  language: { zh: 'English', en: '中文' },
  severity_red: { zh: '重大', en: 'Major' },
  severity_orange: { zh: '较大', en: 'Significant' },
  severity_yellow: { zh: '一般', en: 'Moderate' },
  severity_blue: { zh: '低', en: 'Low' },
  quarantined: { zh: '异常报文', en: 'quarantined' },
  received: { zh: '接收', en: 'received' },
  select_asset: { zh: '点击地图或列表中的设施查看详情', en: 'Click an asset on the map or in a list for its detail' },
  events_of_asset: { zh: '设施事件', en: 'Asset events' },
  // what the renderer shows when a query fails, and the console's remaining labels
  query_failed: { zh: '查询失败：{error}', en: 'Query failed: {error}' },
  domain: { zh: '行业领域', en: 'Domain' },
  asset: { zh: '设施', en: 'Asset' },
  colour: { zh: '风险颜色', en: 'Colour' },
  sort: { zh: '排序', en: 'Sort' },
  close: { zh: '关闭', en: 'Close' },
  kpi_average: { zh: '平均 {n}', en: 'avg {n}' },
  kpi_average_short: { zh: '平均', en: 'avg' },
  duration_days: { zh: '剩余{n}天', en: '{n} d left' },
  duration_hours: { zh: '剩余{n}小时', en: '{n} h left' },
  overdue_days: { zh: '已逾期{n}天', en: '{n} d overdue' },
  overdue_hours: { zh: '已逾期{n}小时', en: '{n} h overdue' },
  secret_storage: { zh: '密钥存储', en: 'Secret storage' },
  // what the engine says back (refusals, case histories): codes with parameters, English for logs and the API
  msg_refused: { zh: '未执行：{reason}', en: 'refused: {reason}' },
  msg_role_may_not: { zh: '{role}无权执行“{action}”', en: 'role {role} may not {action}' },
  msg_hazard_exists: { zh: '该隐患已登记', en: 'hazard {hazard} exists' },
  msg_no_hazard: { zh: '找不到该隐患', en: 'no hazard {hazard}' },
  msg_not_hazard_action: { zh: '不是隐患处置操作', en: 'not a hazard action' },
  msg_unknown_action: { zh: '无法识别的操作', en: 'unknown action {action}' },
  msg_orphan: { zh: '隐患尚未同步，稍后处理', en: 'orphan' },
  msg_dispatch_stage: { zh: '只有“已发现”的隐患可以派发（当前：{stage}）', en: 'cannot dispatch a case that is {stage}' },
  msg_dispatch_assignee: { zh: '派发须指定责任单位', en: 'dispatch needs the responsible party' },
  msg_deadline_past: { zh: '整改期限须晚于当前时间', en: 'the deadline must be in the future' },
  msg_five_items: { zh: '重大隐患须先落实措施、资金、时限、责任人、预案（五落实）方可派发', en: 'a major hazard needs the five fixed items (五落实) before dispatch' },
  msg_start_stage: { zh: '派发后方可开始整改（当前：{stage}）', en: 'rectification starts after dispatch, not when {stage}' },
  msg_report_stage: { zh: '只有整改中的隐患可以报告整改完成（当前：{stage}）', en: 'only a case being rectified can be reported done ({stage})' },
  msg_verify_stage: { zh: '没有待复核的整改（当前：{stage}）', en: 'nothing to verify ({stage})' },
  msg_closed_regrade: { zh: '已销号的隐患不能调整等级', en: 'a closed case is not regraded' },
  msg_regrade_five: { zh: '派发后升为重大隐患，须先落实五落实', en: 'regrading to major after dispatch needs the five fixed items first' },
  msg_out_of_service: { zh: '该设施停用检修中', en: 'out of service' },
  msg_replay_no_action: { zh: '回放中不能操作，请先返回实时', en: 'a screen in replay takes no action: return to live first' },
  msg_not_shelved: { zh: '该报警未搁置', en: 'not shelved' },
  msg_not_out_of_service: { zh: '该设施未停用', en: 'not out of service' },
  msg_no_profile: { zh: '没有该抑制方案', en: 'no suppression profile {profile}' },
  msg_shift_order: { zh: '班次结束时间早于开始时间', en: 'the shift ends before it starts' },
  msg_signed: { zh: '本班次{as}已签字', en: 'the {as} leader has signed this shift' },
  hist_found: { zh: '发现（{grade}）', en: 'found ({grade})' },
  hist_dispatched: { zh: '派发至{assignee}', en: 'dispatched to {assignee}' },
  hist_started: { zh: '开始整改', en: 'rectification started' },
  hist_reported: { zh: '报告整改完成：{note}', en: 'reported done: {note}' },
  hist_verified: { zh: '复核通过，销号：{note}', en: 'verified and closed: {note}' },
  hist_sent_back: { zh: '复核不通过，退回整改：{note}', en: 'sent back: {note}' },
  hist_regraded: { zh: '等级调整：{from} → {to}', en: 'regraded {from} → {to}' },
  hist_comment: { zh: '备注：{text}', en: 'comment: {text}' },
  hist_attached: { zh: '附件：{name}', en: 'attached {name}' },
  hist_refused: { zh: '未执行“{action}”：{cause}', en: 'refused {action}: {cause}' },
  risk_reason: { zh: '可能性{delta}：{why}', en: '{delta} likelihood: {why}' },
  as_outgoing: { zh: '交班人', en: 'outgoing' },
  as_incoming: { zh: '接班人', en: 'incoming' },
  // the console's mistake-proofing: selection, keys, confirmations, sound, per-stage notes, handover, search
  no_selection: { zh: '未选择报警：按↑↓或点击一行选择，再按键操作', en: 'No alarm selected: press ↑↓ or click a row first' },
  key_ime: { zh: '中文输入法正在输入，快捷键无效：请切换到英文输入', en: 'An input method is composing: shortcut keys do not work, switch to English input' },
  key_capslock: { zh: '大写锁定已开启（快捷键照常有效）', en: 'Caps Lock is on (shortcut keys still work)' },
  action_pending: { zh: '操作发送中，请稍候…', en: 'Sending the action…' },
  confirm_title: { zh: '请确认', en: 'Please confirm' },
  act_confirm: { zh: '确认执行', en: 'Confirm' },
  confirm_close_case: { zh: '复核通过并销号「{title}」？销号后不可撤销。', en: 'Verify and close "{title}"? This cannot be undone.' },
  confirm_unshelve: { zh: '取消搁置「{alarm}」？报警将立即恢复显示和发声。', en: 'Unshelve "{alarm}"? It will show and sound again at once.' },
  confirm_silence_all: { zh: '全部消音（{n}条报警）？消音后新报警仍会发声。', en: 'Silence all ({n} alarms)? New alarms will still sound.' },
  sound_banner: { zh: '声音未开启：本工作台有报警时不会发声', en: 'Sound is off: this console will not sound its alarms' },
  sound_enable: { zh: '开启声音', en: 'Turn sound on' },
  sound_test: { zh: '试音', en: 'Test sound' },
  sound_volume: { zh: '音量', en: 'Volume' },
  note_report: { zh: '整改情况', en: 'What was done' },
  note_verify: { zh: '复核意见', en: 'Verification note' },
  deadline_date: { zh: '整改期限（截止日期）', en: 'Deadline (date)' },
  handover_summary: { zh: '交班说明', en: 'Handover notes' },
  handover_pending_items: { zh: '遗留事项', en: 'Items left open' },
  handover_key_events: { zh: '本班重要事件', en: 'Key events of the shift' },
  handover_signed_sha: { zh: '所签报告', en: 'Report signed' },
  handover_signer: { zh: '签字人姓名', en: 'Name of the signer' },
  msg_same_signer: { zh: '交班人与接班人不能是同一人', en: 'the outgoing and the incoming leader must be different people' },
  msg_signed_other_report: { zh: '须签署交班人已签的同一份报告', en: 'the incoming leader must sign the report the outgoing leader signed' },
  search: { zh: '搜索', en: 'Search' },
  search_alarms: { zh: '搜索设施、报警、区县', en: 'Search assets, alarms, districts' },
  search_hazards: { zh: '搜索隐患、责任单位', en: 'Search hazards, parties' },
  filter_all: { zh: '全部', en: 'All' },
  filter_unack: { zh: '仅未确认', en: 'Unacknowledged only' },
  filter_open: { zh: '未销号', en: 'Open' },
  sort_by: { zh: '排序', en: 'Sort' },
  sort_priority: { zh: '按优先级', en: 'By priority' },
  sort_newest: { zh: '按时间（新→旧）', en: 'Newest first' },
  sort_asset: { zh: '按设施', en: 'By asset' },
  sort_deadline: { zh: '按期限', en: 'By deadline' },
  sort_grade: { zh: '按等级', en: 'By grade' },
  asset_trend: { zh: '近24小时趋势', en: 'Last 24 hours' },
  asset_past_alarms: { zh: '历史报警', en: 'Past alarms' },
  // the alarm lists' counts and pages, the wall's takeover, red and orange events at the console
  alarms_count: { zh: '{shown} 条（未确认 {unack} 条）', en: '{shown} shown ({unack} unacknowledged)' },
  alarms_hidden: { zh: '另有 {n} 条已搁置、抑制或停用', en: '{n} more shelved, suppressed or out of service' },
  alarms_not_listed: { zh: '只列出最紧急的 {listed} 条，另有 {n} 条未列出（搜索或筛选可查全部）', en: 'Only the {listed} most urgent are listed; {n} more are not (search or filter to reach them)' },
  alarms_more: { zh: '还有 {n} 条', en: '{n} more' },
  alarms_page: { zh: '第 {p}/{pages} 页', en: 'page {p} of {pages}' },
  interrupt_wait_console: { zh: '待值班长在工作台确认', en: 'To be acknowledged by the shift leader at a console' },
  interrupt_acked: { zh: '已确认 · {who} · {time}', en: 'Acknowledged · {who} · {time}' },
  interrupt_queued: { zh: '另有 {n} 条紧急事件待处理', en: '{n} more critical waiting' },
  interrupt_shelved: { zh: '已搁置 · {who} · {time}', en: 'Shelved · {who} · {time}' },
  severe_events_title: { zh: '红色、橙色事件', en: 'Red and orange events' },
  event_to_hazard: { zh: '转为隐患', en: 'Raise a hazard' },
  msg_event_acked: { zh: '该事件已由 {by} 确认', en: 'event already acknowledged by {by}' },
  reading_limit: { zh: '限值', en: 'Limit' },
  reading_alarm_value: { zh: '报警时读数 {v} {unit}（报警未消除）', en: 'At the alarm: {v} {unit} (still standing)' },
  reading_over: { zh: '超限', en: 'over the limit' },
  reading_within: { zh: '未超限', en: 'within the limit' },
  reading_none: { zh: '该设施无监测读数', en: 'No readings from this asset' },
  guidance_title: { zh: '处置要点', en: 'What to do' },
  guidance_none: { zh: '无报警规则', en: 'No alarm rule' },
  parties_title: { zh: '三方责任', en: 'Responsible parties' },
  contact: { zh: '联系方式', en: 'Contact' },
  no_contact: { zh: '未登记联系方式', en: 'no contact registered' },
  map_legend_title: { zh: '着色规则', en: 'Colouring' },
  map_legend_district: { zh: '区县颜色：区内最高风险设施（风险值=可能性×后果）', en: 'District colour: its worst asset (risk = likelihood × severity)' },
  map_legend_alarm_short: { zh: '报警未消除', en: 'alarm standing' },
  map_legend_alarm: { zh: '白圈：紧急或重要报警未消除', en: 'White ring: a critical or high alarm standing' },
  map_legend_routine: { zh: '巡检发现的一般问题只加可能性，不单独使区县变红', en: 'Routine inspection findings raise likelihood only; alone they never turn a district red' },
  map_tooltip_counts: { zh: '设施风险：重大{red} 较大{orange} 一般{yellow} 低{blue}', en: 'Assets at risk: major {red}, significant {orange}, moderate {yellow}, low {blue}' },
  map_tooltip_worst: { zh: '最高风险设施：{name}', en: 'Worst asset: {name}' },
  map_zoom_in: { zh: '放大', en: 'Zoom in' },
  map_zoom_out: { zh: '缩小', en: 'Zoom out' },
  map_zoom_reset: { zh: '复位', en: 'Reset' },
  district_pick: { zh: '所属区县', en: 'District' },
  handover_hazards: { zh: '本班隐患', en: 'Hazards of the shift' },
  handover_tag_new: { zh: '新增', en: 'new' },
  handover_tag_closed: { zh: '已销号', en: 'closed' },
  handover_tag_overdue: { zh: '逾期', en: 'overdue' },
  handover_sign_other: { zh: '签署的是另一份报告', en: 'signed another report' },
  ke_critical_alarm: { zh: '紧急报警', en: 'Critical alarm' },
  ke_hazard_opened: { zh: '发现重大隐患', en: 'Major hazard found' },
  ke_hazard_closed: { zh: '隐患销号', en: 'Hazard closed' },
  ke_risk_red: { zh: '风险升为红色', en: 'Risk turned red' },
  alarm_raised: { zh: '报警', en: 'raised' },
  alarm_cleared: { zh: '恢复正常', en: 'cleared' },
  name_loading: { zh: '…', en: '…' },
  asset_unregistered: { zh: '{domain}设施（{district}）', en: '{domain} asset ({district})' },
  asset_unregistered_nodistrict: { zh: '{domain}设施', en: '{domain} asset' },
  rule_unknown: { zh: '{domain}报警', en: '{domain} alarm' },
  rule_unknown_nodomain: { zh: '报警', en: 'Alarm' },
  // the console's date fields (YYYY-MM-DD and HH:mm in both languages), and punctuation around values
  date_placeholder: { zh: '如 2026-01-31', en: 'e.g. 2026-01-31' },
  datetime_placeholder: { zh: '如 2026-01-31 08:00', en: 'e.g. 2026-01-31 08:00' },
  time_placeholder: { zh: '如 08:00', en: 'e.g. 08:00' },
  date_required: { zh: '请填写日期', en: 'Enter a date' },
  date_format: { zh: '请按“年-月-日”填写，如 2026-01-31', en: 'Write the date as YYYY-MM-DD, e.g. 2026-01-31' },
  datetime_format: { zh: '请按“年-月-日 时：分”（24小时制）填写，如 2026-01-31 20:00', en: 'Write the date and time as YYYY-MM-DD HH:mm (24-hour), e.g. 2026-01-31 20:00' },
  time_format: { zh: '请按“时：分”（24小时制）填写，如 20:00', en: 'Write the time as HH:mm (24-hour), e.g. 20:00' },
  date_no_such: { zh: '没有这个日期或时刻：{text}', en: 'No such date or time: {text}' },
  colon: { zh: '：', en: ': ' },
  paren: { zh: '（{x}）', en: ' ({x})' },
  semicolon: { zh: '；', en: '; ' },
  handover_digest: { zh: '校验值', en: 'SHA-256' },
  // replay: the wall and the console as of an instant (docs/replay.md)
  replay_badge: { zh: '回放', en: 'REPLAY' },
  replay_look_back: { zh: '回看', en: 'Look back' },
  replay_no_actions: { zh: '回放中不可处置：操作只能在实时画面进行', en: 'Replay: no operator actions, they are taken on the live picture only' },
  replay_banner: { zh: '回放 · 非实时画面 · {at}', en: 'REPLAY · not live · {at}' },
  replay_live: { zh: '返回实时（L）', en: 'Back to live (L)' },
  replay_play: { zh: '播放', en: 'Play' },
  replay_pause: { zh: '暂停', en: 'Pause' },
  replay_speed: { zh: '速度', en: 'Speed' },
  replay_play_in: { zh: '{n}分钟放完', en: 'Play in {n} min' },
  replay_back_minute: { zh: '后退1分钟', en: 'Back 1 min' },
  replay_back_second: { zh: '后退1秒', en: 'Back 1 s' },
  replay_fwd_second: { zh: '前进1秒', en: 'Forward 1 s' },
  replay_fwd_minute: { zh: '前进1分钟', en: 'Forward 1 min' },
  replay_prev_alarm: { zh: '上一报警', en: 'Previous alarm' },
  replay_next_alarm: { zh: '下一报警', en: 'Next alarm' },
  replay_timeline: { zh: '回放时间轴', en: 'Replay timeline' },
  replay_window: { zh: '可回放：{from} 至 {to}', en: 'Replayable: {from} to {to}' },
  replay_bundle: { zh: '数据包回放', en: 'Bundle replay' },
  replay_loading: { zh: '正在载入回放…', en: 'Loading the replay…' },
  replay_unavailable: { zh: '回放不可用：{reason}', en: 'Replay unavailable: {reason}' },
  replay_keys: { zh: '空格 播放/暂停 · ←/→ 1秒 · Shift+←/→ 1分钟 · P/N 上/下一报警 · Home/End 起点/终点 · −/+ 速度 · L 返回实时', en: 'Space play/pause · ←/→ 1 s · Shift+←/→ 1 min · P/N previous/next alarm · Home/End start/end · −/+ speed · L back to live' },
  replay_marker: { zh: '{at} {kind}：{what}', en: '{at} {kind}: {what}' },
  replay_marker_more: { zh: '（另有{n}条）', en: ' ({n} more)' },
  replay_kind_alarm: { zh: '报警', en: 'alarm' },
  replay_kind_event: { zh: '事件', en: 'event' },
  replay_kind_hazard: { zh: '隐患', en: 'hazard' },
  replay_span: { zh: '范围', en: 'Span' },
  replay_span_all: { zh: '全部', en: 'All' },
  replay_span_hours: { zh: '{n}小时', en: '{n} h' },
  replay_span_minutes: { zh: '{n}分钟', en: '{n} min' },
  wb_title: { zh: '分析工作台', en: "Analyst's workbench" },
  wb_source_live: { zh: '实时引擎', en: 'Live engine' },
  wb_source_bundle: { zh: '数据包 {from} – {to}', en: 'Bundle {from} – {to}' },
  wb_tab_schema: { zh: '表结构', en: 'Schema' },
  wb_tab_ready: { zh: '常用问题', en: 'Ready questions' },
  wb_tab_saved: { zh: '已保存', en: 'Saved' },
  wb_tab_history: { zh: '历史', en: 'History' },
  wb_sql_label: { zh: 'SQL 查询（只读，Ctrl+Enter 运行）', en: 'SQL query (read-only, Ctrl+Enter runs it)' },
  wb_run: { zh: '运行', en: 'Run' },
  wb_running: { zh: '运行中…', en: 'Running…' },
  wb_cancel: { zh: '取消', en: 'Cancel' },
  wb_save: { zh: '保存查询…', en: 'Save query…' },
  wb_save_name: { zh: '名称', en: 'Name' },
  wb_save_description: { zh: '说明', en: 'Description' },
  wb_saved: { zh: '已保存“{name}”', en: 'Saved “{name}”' },
  wb_delete: { zh: '删除', en: 'Delete' },
  wb_export_parquet: { zh: '导出全部结果（Parquet）', en: 'Export the whole result (Parquet)' },
  wb_export_csv: { zh: '导出全部结果（CSV，Excel）', en: 'Export the whole result (CSV for Excel)' },
  wb_exporting: { zh: '正在导出全部结果…', en: 'Exporting the whole result…' },
  wb_exported: { zh: '已导出 {rows} 行（{file}）', en: 'Exported {rows} rows ({file})' },
  wb_rows: { zh: '{rows} 行，用时 {ms} 毫秒', en: '{rows} rows in {ms} ms' },
  wb_truncated: { zh: '仅显示前 {rows} 行；导出可得全部结果', en: 'Only the first {rows} rows are shown; export for the whole result' },
  wb_no_rows: { zh: '查询没有返回任何行', en: 'The query returned no rows' },
  wb_cancelled: { zh: '查询已取消', en: 'The query was cancelled' },
  wb_timeout: { zh: '查询超过时间限制，已中止', en: 'The query passed its time limit and was stopped' },
  wb_busy: { zh: '另一个查询正在运行，请稍候', en: 'Another query is running: wait for it' },
  wb_forbidden: { zh: '当前身份无权使用分析工作台（需分析员、值班长或管理员）', en: 'This role may not use the workbench (analyst, shift leader or administrator)' },
  wb_failed: { zh: '查询出错', en: 'The query failed' },
  wb_refused: { zh: '不允许执行', en: 'Not allowed' },
  wb_view_table: { zh: '表格', en: 'Table' },
  wb_view_chart: { zh: '图表', en: 'Chart' },
  wb_chart_kind: { zh: '图表类型', en: 'Chart' },
  wb_chart_line: { zh: '折线图（随时间）', en: 'Line (over time)' },
  wb_chart_bar: { zh: '柱状图', en: 'Bars' },
  wb_chart_scatter: { zh: '散点图', en: 'Scatter' },
  wb_chart_map: { zh: '地图', en: 'Map' },
  wb_chart_heatmap: { zh: '热力图（时间×类别）', en: 'Heatmap (time × category)' },
  wb_chart_group: { zh: '分组', en: 'Group by' },
  wb_chart_group_none: { zh: '不分组', en: 'None' },
  wb_chart_needs_group: { zh: '热力图须选择一个分组列', en: 'A heatmap needs a column to group by' },
  wb_chart_x: { zh: '横轴', en: 'X axis' },
  wb_chart_y: { zh: '纵轴', en: 'Y axis' },
  wb_chart_png: { zh: '保存图表为 PNG', en: 'Save the chart as PNG' },
  wb_chart_needs_place: { zh: '结果中没有经纬度列（lat/lon），无法画在地图上', en: 'The result has no lat/lon columns to draw on the map' },
  wb_chart_needs_x: { zh: '请选择横轴的列', en: 'Choose a column for the X axis' },
  wb_chart_needs_y: { zh: '请选择纵轴的列', en: 'Choose a column for the Y axis' },
  wb_chart_needs_number: { zh: '纵轴须为数值列', en: 'The Y axis needs a numeric column' },
  wb_schema_hint: { zh: '点击表名插入查询', en: 'Click a table to query it' },
  wb_history_empty: { zh: '尚无查询历史', en: 'No queries yet' },
  wb_saved_empty: { zh: '尚无保存的查询', en: 'No saved queries yet' },
  wb_saved_export: { zh: '导出已保存的查询（JSON）', en: 'Export the saved queries (JSON)' },
  wb_deadline_overdue: { zh: '已逾期', en: 'Overdue' },
  wb_deadline_in_time: { zh: '期限内', en: 'Within deadline' },
  wb_deadline_none: { zh: '未派发（无期限）', en: 'Not dispatched (no deadline)' },
  wb_deadline_closed: { zh: '已销号', en: 'Closed' },
  wb_kind_table: { zh: '表', en: 'table' },
  wb_kind_view: { zh: '视图', en: 'view' },
  wb_kind_macro: { zh: '宏', en: 'macro' },
  sql_refused_syntax: { zh: 'SQL 语法有误', en: 'The SQL does not parse' },
  sql_refused_empty: { zh: '没有可执行的语句', en: 'Nothing to run' },
  sql_refused_several: { zh: '一次只能执行一条语句', en: 'One statement at a time' },
  sql_refused_write: { zh: '写操作不允许（只能查询）', en: 'Writes are not allowed (queries only)' },
  sql_refused_setting: { zh: '不允许修改设置、挂载数据库或加载扩展', en: 'Settings, attaching databases and extensions are locked' },
  sql_refused_external: { zh: '不允许读取数据库以外的文件或网址', en: 'Reads outside the database are not allowed' },
  sql_refused_not_offered: { zh: '工作台不提供该表或函数', en: 'The workbench does not offer this table or function' },
  sql_ready_alarm_kpis_shift: { zh: '本班（12小时）报警系统健康指标', en: "The alarm system's health over the last shift (12 h)" },
  sql_ready_worst_assets: { zh: '近7天报警最多的设施（前20）', en: 'The 20 assets with the most alarms (7 days)' },
  sql_ready_silent_feeds: { zh: '已中断的数据源', en: 'Feeds that went silent' },
  sql_ready_hazards_overdue: { zh: '逾期未销号的隐患', en: 'Hazards past their deadline, not closed' },
  sql_ready_readings_per_hour: { zh: '近24小时各行业每小时数据量', en: 'Readings per domain and hour (24 h)' },
  sql_ready_red_events_by_district: { zh: '近7天各区红色、橙色事件', en: 'Red and orange events per district (7 days)' },
  sql_ready_alarms_per_10min: { zh: '每10分钟报警数（按优先级，近24小时）', en: 'Alarms per 10 minutes by priority (24 h)' },
  sql_ready_chattering_top10: { zh: '频繁报警（抖动）点位前十', en: 'Top ten chattering alarm points' },
  sql_ready_feed_silence: { zh: '各数据源何时中断（热力图，近24小时）', en: 'Which feed went silent when (heatmap, 24 h)' },
  sql_ready_hazards_by_stage: { zh: '隐患按阶段及期限', en: 'Hazards by stage and against their deadlines' },
  sql_ready_district_risk_over_time: { zh: '各区风险等级变化（近7天）', en: 'Risk colours over time per district (7 days)' },
  corr_title: { zh: '跨行业关联分析', en: 'Correlation across lifelines' },
  corr_radius: { zh: '距离（米）', en: 'Distance (m)' },
  corr_window: { zh: '时间间隔（分钟）', en: 'Time apart (min)' },
  corr_run: { zh: '查找关联事件', en: 'Find correlated incidents' },
  corr_none: { zh: '该时段内没有跨行业的关联事件', en: 'No correlated incidents across lifelines in this window' },
  corr_cluster: { zh: '{domains} · {n} 条 · {first} – {last}', en: '{domains} · {n} items · {first} – {last}' },
  corr_score: { zh: '偶然出现的概率 {p}（期望 {expected} 对，实有 {pairs} 对）', en: 'Chance of this by accident {p} (expected {expected} pairs, found {pairs})' },
  corr_considered: { zh: '共分析 {n} 条事件和报警，用时 {ms} 毫秒', en: '{n} events and alarms analysed in {ms} ms' },
  corr_card_title: { zh: '关联事件', en: 'Correlated incidents' },
  corr_raise: { zh: '为该组关联事件立一个隐患案件', en: 'Raise one hazard case for this cluster' },
  corr_raised: { zh: '已立案', en: 'Case raised' },
  corr_member_event: { zh: '事件', en: 'Event' },
  corr_member_alarm: { zh: '报警', en: 'Alarm' },
} as const satisfies Record<string, Record<Lang, string>>;

export type TextKey = keyof typeof T;

/** Every key of the table with both its texts (for the tests that read the whole table). */
export const TEXTS: Readonly<Record<TextKey, Readonly<Record<Lang, string>>>> = T;

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

/** The operator actions by name (refusals and case histories say which action). */
export const ACTION_NAMES: Record<string, Record<Lang, string>> = {
  'alarm.ack': { zh: '确认报警', en: 'alarm.ack' }, 'alarm.silence': { zh: '消音', en: 'alarm.silence' },
  'alarm.silence_all': { zh: '全部消音', en: 'alarm.silence_all' }, 'alarm.reset': { zh: '复位', en: 'alarm.reset' },
  'alarm.shelve': { zh: '搁置', en: 'alarm.shelve' }, 'alarm.unshelve': { zh: '取消搁置', en: 'alarm.unshelve' },
  'alarm.out_of_service': { zh: '停用检修', en: 'alarm.out_of_service' }, 'alarm.return_to_service': { zh: '恢复使用', en: 'alarm.return_to_service' },
  'alarm.profile': { zh: '抑制方案', en: 'alarm.profile' }, 'hazard.raise': { zh: '登记隐患', en: 'hazard.raise' },
  'hazard.dispatch': { zh: '派发', en: 'hazard.dispatch' }, 'hazard.start': { zh: '开始整改', en: 'hazard.start' },
  'hazard.report': { zh: '报告整改完成', en: 'hazard.report' }, 'hazard.verify': { zh: '复核', en: 'hazard.verify' },
  'hazard.regrade': { zh: '调整等级', en: 'hazard.regrade' }, 'hazard.comment': { zh: '备注', en: 'hazard.comment' },
  'hazard.attach': { zh: '附件', en: 'hazard.attach' }, 'handover.sign': { zh: '交接班签字', en: 'handover.sign' },
  'event.ack': { zh: '确认事件', en: 'event.ack' },
};

/** A code with parameters, said in either language on screen; the English text goes to logs and the API. */
export type MessageCode = Extract<TextKey, `msg_${string}` | `hist_${string}`>;
export interface Message {
  code: MessageCode;
  params: Record<string, string | number>;
  /** What a refusal in a case's history was refused for. */
  cause?: Message;
}

export function message(code: MessageCode, params: Record<string, string | number> = {}, cause?: Message): Message {
  return cause ? { code, params, cause } : { code, params };
}

const isKey = (k: string): k is TextKey => k in T;

/** A parameter in the reader's language: stages, grades, roles and actions are words, not keys. */
function paramText(lang: Lang, name: string, v: string | number): string {
  const s = String(v);
  const prefix = name === 'stage' ? 'stage_' : name === 'grade' || name === 'from' || name === 'to' ? 'grade_' : name === 'role' ? 'role_' : name === 'as' ? 'as_' : null;
  if (prefix !== null && isKey(prefix + s)) return t(lang, (prefix + s) as TextKey);
  if (name === 'action') return ACTION_NAMES[s]?.[lang] ?? s;
  return s;
}

/** The devices the engine names (id → role and name), as its hello lists them. */
export type DeviceNames = Record<string, { role: string; name: string | null }>;

/**
 * Who acted, as an operator reads it: the device's name from the devices file ("一号值班台"), else
 * its role in words ("值班长"); a device the engine does not list keeps its id.
 */
export function deviceLabel(lang: Lang, devices: DeviceNames, device: string): string {
  const d = Object.hasOwn(devices, device) ? devices[device] : undefined;
  if (!d) return device;
  if (d.name) return d.name;
  const key = `role_${d.role}`;
  return isKey(key) ? t(lang, key) : device;
}

/**
 * A message from the engine in `lang`; an unknown code (a newer engine) falls back to its English
 * text. A device it names (`by`, `device`) is said by its name or role when `devices` is given.
 */
export function messageText(lang: Lang, m: { code: string; params: Record<string, string | number>; cause?: Message | undefined }, fallback = '', devices: DeviceNames = {}): string {
  if (!isKey(m.code)) return fallback || m.code;
  // English keeps the raw words (case ids, stage keys) the logs and the API have always carried
  const vars = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k,
    k === 'by' || k === 'device' ? deviceLabel(lang, devices, String(v)) : lang === 'en' ? String(v) : paramText(lang, k, v)]));
  if (m.cause) vars['cause'] = messageText(lang, m.cause, '', devices);
  return t(lang, m.code, vars);
}

/** A risk factor as its reason: "可能性+1：1个重要报警未消除". */
export function riskReasonText(lang: Lang, f: { factor: string; n: number; delta: number }): string {
  const why = isKey(`factor_${f.factor}`) ? t(lang, `factor_${f.factor}` as TextKey, { n: f.n }) : f.factor;
  return t(lang, 'risk_reason', { delta: `${f.delta > 0 ? '+' : ''}${f.delta}`, why });
}

/** Asset kinds of the registry by name (the registry's `kind` is a key such as `regulator_station`). */
export const KIND_NAMES: Record<string, Record<Lang, string>> = {
  pipe_monitor: { zh: '供水管网监测点', en: 'Water network monitor' }, manhole: { zh: '排水检查井', en: 'Manhole' },
  substation: { zh: '变电站', en: 'Substation' }, regulator_station: { zh: '燃气调压站', en: 'Gas regulator station' },
  regulator: { zh: '燃气调压站', en: 'Gas regulator station' },
  market_detector: { zh: '集贸市场可燃气体探测器', en: 'Market gas detector' }, heat_exchanger: { zh: '换热站', en: 'Heat exchanger station' },
  bridge: { zh: '桥梁', en: 'Bridge' }, road_segment: { zh: '道路监测段', en: 'Road segment' },
  pipeline_monitor: { zh: '地下管线监测点', en: 'Pipeline monitor' }, utility_tunnel: { zh: '综合管廊舱段', en: 'Utility tunnel section' },
  landfill: { zh: '垃圾处理设施', en: 'Landfill' }, park: { zh: '城市公园', en: 'Park' }, tower_crane: { zh: '塔式起重机', en: 'Tower crane' },
  foundation_pit: { zh: '深基坑', en: 'Foundation pit' }, high_formwork: { zh: '高支模', en: 'High formwork' },
  old_building: { zh: '老旧房屋', en: 'Old building' }, river_gauge: { zh: '河道水位站', en: 'River gauge' },
};

/** A kind by name; a kind this table does not know says its domain in Chinese rather than show a key. */
export function kindName(lang: Lang, kind: string, domain: string): string {
  return KIND_NAMES[kind]?.[lang] ?? (lang === 'zh' ? `${domainName(lang, domain)}设施` : kind);
}

/** Units as the screens write them (the feeds send the same; 人 and m³/h read better than persons and m3/h). */
export const METRIC_UNITS: Record<string, string> = {
  axial_force_kn: 'kN', cable_temp_c: '°C', ch4_lel_pct: '%LEL', crack_width_mm: 'mm', crane_load_pct: '%', crowd_count: '人',
  deflection_mm: 'mm', flow_m3h: 'm³/h', formwork_settlement_mm: 'mm', h2s_ppm: 'ppm', leachate_level_m: 'm', leak_noise_db: 'dB',
  lel_pct: '%LEL', level_m: 'm', load_pct: '%', methane_pct: '%vol', o2_pct: '%vol', pit_displacement_mm: 'mm', pressure_kpa: 'kPa',
  pressure_mpa: 'MPa', rainfall_mm_h: 'mm/h', residual_cl_mgl: 'mg/L', return_temp_c: '°C', river_level_m: 'm', settlement_mm: 'mm',
  strain_ue: 'με', supply_temp_c: '°C', surface_temp_c: '°C', tilt_deg: '°', vehicle_load_t: 't', water_level_m: 'm', water_level_mm: 'mm',
  wind_speed_ms: 'm/s',
};

export function domainName(lang: Lang, d: string): string {
  return DOMAIN_NAMES[d]?.[lang] ?? d;
}
export function metricName(lang: Lang, m: string): string {
  return METRIC_NAMES[m]?.[lang] ?? m;
}

/** Time to a deadline: "剩余24小时" / "剩余3天", and past it "已逾期5小时" (whole hours from 10 up, days from 48 h). */
export function timeLeftText(lang: Lang, ms: number): string {
  const h = Math.abs(ms) / 3_600_000;
  const over = ms < 0;
  if (h >= 48) return t(lang, over ? 'overdue_days' : 'duration_days', { n: Math.round(h / 24) });
  return t(lang, over ? 'overdue_hours' : 'duration_hours', { n: h < 10 ? h.toFixed(1).replace(/\.0$/, '') : Math.round(h) });
}

export function ageText(lang: Lang, ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 2) return t(lang, 'just_now');
  if (s < 120) return t(lang, 'seconds_ago', { n: s });
  if (s < 7200) return t(lang, 'minutes_ago', { n: Math.round(s / 60) });
  return t(lang, 'hours_ago', { n: Math.round(s / 3600) });
}
