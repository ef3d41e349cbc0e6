"""The phrase book of the city's stages: every message their pages, forms and services show, worded
once. Each stage keeps its own section."""

ONLY_CITY = "只有市妇联宣发部账号可以办理此项。"
NO_CAMPAIGN = "目前没有创建年度。"
NO_CAMPAIGN_OF_YEAR = "没有这一年度的巾帼文明岗创建。"
TYPED_KEPT = "您填写的内容仍保留在下方，未保存。"

# --- training (培训) --------------------------------------------------------------------------------

TRAINING_TITLE_REQUIRED = "请填写培训名称。"
TRAINING_DATE_REQUIRED = "请填写培训日期。"
TRAINING_DATE_INVALID = "请按“2021-03-01”的格式填写日期。"
TRAINING_DATE_RANGE = "培训日期须在{opens_on}至{closes_on}之间（本年度创建活动开始至考核截止）。"
TRAINING_PLACE_REQUIRED = "请填写培训地点。"
TRAINING_CREATED = "已添加培训“{title}”（{held_on}）。"
TRAINING_NO_SESSION = "没有找到这次培训。"
ATTENDANCE_UNKNOWN_POST = "表格中有不属于本年度报送岗位的行，本次未保存。请刷新页面后重新填写。"
ATTENDANCE_NOT_HELD = "这次培训定于{held_on}举行，尚未举行：举行当天起才能登记参训人，本次未保存。"
ATTENDANCE_TOO_MANY = "一次最多保存{limit}行，请分页填写。"
ATTENDANCE_SAVED = "已保存签到：{count}处变更。"
ATTENDANCE_UNCHANGED = "签到没有变更。"
ATTENDANCE_HINT = "填写实际参训人姓名；留空表示未参加（已有记录将被删除）。"


# --- assessment (考核) ------------------------------------------------------------------------------

NOT_TRAINED = "岗位负责人未参加创建培训，不能考核。"
ASSESS_ONLY_REPORTED = "当前状态为“{status}”，不能再录入考核评分。"
CONCLUDE_ONLY_REPORTED = "当前状态为“{status}”，考核结果已确认，不能再次确认。"
CONCLUDE_NO_SCORE = "这个岗位还没有考核评分，不能确认考核结果。"
CONCLUDE_CHANGED = "确认期间评分有变化，考核结果已不同。请查看最新结果后再确认。"
SHEET_STALE = "您的评分表已在别处（另一个窗口或设备）修改过，这次填写的内容没有保存。请核对下方已保存的最新评分后再修改。"
METHOD_REQUIRED = "请选择考核方式。"
ASSESSED_ON_REQUIRED = "请填写考核日期。"
ASSESSED_ON_INVALID = "请按“2021-03-01”的格式填写日期。"
ASSESSED_ON_FUTURE = "考核日期不能晚于今天。"
ASSESSED_ON_TOO_EARLY = "考核日期不能早于本年度创建开始的日期（{opens_on}）。"
VETO_REASON_REQUIRED = "选择一票否决时，须写明否决理由。"
VETO_REASON_WITHOUT_VETO = "未选择一票否决，请清空否决理由，或勾选一票否决。"
POINTS_REQUIRED = "请填写这一项的得分。"
POINTS_INVALID = "请填写数字，如 18 或 18.5。"
POINTS_RANGE = "得分须在 0 至 {max} 分之间。"
POINTS_GRID = "得分最多保留一位小数（以 0.1 分为单位），如 18.5。"
POINTS_UNKNOWN = "评分表的考核项目已变更，请刷新页面后重新评分。"
ASSESSMENT_SAVED = "已保存您对“{name}”的考核评分：总分{total}分。"
CONCLUDED_PASSED = "已确认“{name}”考核合格（平均分{mean}分）。"
CONCLUDED_FAILED = "已确认“{name}”考核不合格。"
RESULT_PASSES = "合格"
RESULT_FAILS = "不合格"
RESULT_VETOED = "不合格（一票否决）"
RESULT_NONE = "尚未评分"


# --- publicity (公示 and 异议) -----------------------------------------------------------------------
PUBLICITY_NOTHING = "目前没有可公示的岗位：本年度考核合格且尚未列入公示的岗位为 0 个。"
PUBLICITY_START_REQUIRED = "请填写公示开始日期。"
PUBLICITY_START_INVALID = "请按“2021-07-01”的格式填写公示开始日期。"
PUBLICITY_START_PAST = "公示开始日期不能早于今天（{today}）。"
PUBLICITY_START_AFTER_NAMING = "公示开始日期不能晚于命名截止日期（{closes_on}）：公示结束后还须在命名期内完成命名。"
PUBLICITY_PUBLISHED = "拟命名名单已发布公示：{starts_on}至{ends_on}，共{count}个岗位。已通知各岗位所在单位。"
PUBLICITY_PREVIEW = "若从{starts_on}开始公示{days}个工作日，公示截止于{ends_on}（含当日），将列入{count}个考核合格的岗位。"
PUBLICITY_ENDS_AFTER_NAMING = "注意：公示截止日期晚于命名截止时间（{closes_at}），公示结束后将无法在命名期内命名。"
OBJECTION_CLOSED = "这份名单的公示期为{starts_on}至{ends_on}，现在不在公示期内，不能提交异议。"
OBJECTION_CLOSED_ALL = "现在没有正在公示的名单，不能提交异议。您填写的内容仍保留在下方，未提交。"
OBJECTION_NOT_LISTED = "请从公示名单中选择岗位。"
OBJECTION_TOO_MANY = "同一网络地址一小时内最多提交 5 条异议，请稍后再试；如有急事，请致电市妇联宣发部 0772-2850377。"
OBJECTION_NAME_REQUIRED = "请填写您的姓名。"
OBJECTION_PHONE_REQUIRED = "请填写联系电话，以便核实情况。"
OBJECTION_PHONE_INVALID = "联系电话只能包含数字、空格、“-”“+”和括号，至少 7 位数字。"
OBJECTION_EMAIL_INVALID = "请填写有效的电子邮箱，或留空。"
OBJECTION_CONTENT_REQUIRED = "请写明异议的内容和理由。"
OBJECTION_THANKS = "您的异议已收到。市妇联宣发部将核实处理，必要时按您留下的电话与您联系。谢谢您的监督。"
OBJECTION_OUTCOME_REQUIRED = "请选择处理结果：经核查不成立或经核查成立。"
OBJECTION_RESOLUTION_REQUIRED = "请写明处理情况（核查经过和结论）。"
OBJECTION_ALREADY_RESOLVED = "这条异议已于{resolved_at}处理（{outcome}），不能重复处理。"
OBJECTION_RESOLVED = "已记录对“{name}”的异议处理结果：{outcome}。"


# --- naming (命名, certificates, honour roll, verification) ------------------------------------------
NAMING_NOT_PUBLISHED = "该岗位尚未列入拟命名公示，公示期满前不能命名。请先发布公示。"
NAMING_PUBLICITY_RUNNING = "该岗位的公示期至{ends_on}（含当日）截止，公示期满后（次日起）才能命名。"
NAMING_OBJECTION_PENDING = "该岗位有{count}条公示异议尚未处理，处理完毕前不能命名。"
NAMING_OBJECTION_UPHELD = "该岗位的公示异议经核查成立，不能命名；如不予命名，请写明理由后点“不予命名”。"
NOT_NAME_REASON_REQUIRED = "不予命名须写明理由（申报单位会看到）。"
NAMING_DECISION_REQUIRED = "请选择“命名”或“不予命名”。"
NAMING_UNKNOWN_POST = "没有找到这个待命名的岗位，页面可能已过期，请刷新后再操作。"
NAMING_REASON_LABEL = "不予命名的理由"
NAMING_REASON_HELP = "仅“不予命名”时填写，申报单位会看到。"
NAMED_DONE = "已命名：{name}，证书编号 {number}。"
NOT_NAMED_DONE = "已记录不予命名：{name}。"
CERTIFICATE_TITLE = "被命名为{year}年度柳州市“巾帼文明岗”"
CERTIFICATE_ISSUER = "柳州市妇女联合会"
NAMING_LIST_TITLE = "{year}年度柳州市巾帼文明岗名单"
ROSTER_TITLE = "{year}年度柳州市巾帼志愿者队伍名册"
NOTHING_NAMED = "本年度还没有命名的岗位。"
NO_SUCH_PART = "没有这一部分的证书 PDF。"
CERTIFICATE_NOT_FOUND = "未找到该证书编号。请核对证书上的编号（如 2021-001）；如有疑问，请联系柳州市妇女联合会宣发部。"
EARLIER_NAMING = "该单位的“{post}”已于{year}年度被命名为柳州市巾帼文明岗（证书编号 {number}）。"
NAMED_EVENT_NOTE = "证书编号：{number}（查验：{url}）"

# --- dashboard (the city's home) ------------------------------------------------------------------

STAGE_APPLY = "申报"
STAGE_FIRST_REVIEW = "初审与报送"
STAGE_ASSESSMENT = "培训与考核"
STAGE_NAMING = "公示与命名"
STAGE_CLOSED = "已截止"
STAGE_TODAY = "今天截止"
STAGE_DAYS_LEFT = "还剩{days}天"
# The table's column heads (the cells carry the full status label for phones and screen readers).
STATUS_SHORT = {
    "submitted": "待初审",
    "returned": "退回修改",
    "not_recommended": "不予推荐",
    "recommended": "初审推荐",
    "reported": "已报送",
    "passed": "考核合格",
    "failed": "考核不合格",
    "named": "已命名",
    "not_named": "不予命名",
}
FUNNEL_LABELS = {
    "submitted": "提交申报",
    "recommended": "初审推荐",
    "reported": "报送市妇联",
    "passed": "考核合格",
    "named": "命名",
}
PHASE_LABELS = {
    "pending": "待初审/退回",
    "recommended": "初审推荐",
    "reported": "已报送",
    "passed": "考核合格",
    "named": "已命名",
    "out": "未通过",
}
# The notice's four categories (section 一), briefly; the full label stays in the page's abbr title.
CATEGORY_SHORT = {
    "office": "机关企事业单位处科室",
    "team": "行业女性班组岗台",
    "military": "部队女兵连队",
    "new_org": "新经济新社会组织",
}
SEVERITY = {"overdue": "已逾期", "near": "临近截止", "todo": "待办"}
TODO_BODIES = "初审截止后仍未报送汇总表的初审单位"
TODO_UNTRAINED = "已报送、负责人尚未参加培训的岗位"
TODO_UNSCORED = "已参训、尚无考核评分的岗位"
TODO_UNDECIDED = "已评分、尚未确定考核结果的岗位"
TODO_UNPUBLISHED = "考核合格、尚未列入公示的岗位"
TODO_OBJECTIONS = "有待处理异议的岗位"
TODO_TO_NAME = "公示期满、无未结异议、待命名的岗位"
TODO_UNCERTIFIED = "已命名、尚未生成证书的岗位"
NOTHING_TO_DO = "目前没有逾期或待办事项。"
FUNNEL_CHART_TITLE = "申报进度（从提交到命名）"
BODIES_CHART_TITLE = "各初审单位申报情况"
