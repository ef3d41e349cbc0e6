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
TRAINING_PLACE_REQUIRED = "请填写培训地点。"
TRAINING_CREATED = "已添加培训“{title}”（{held_on}）。"
TRAINING_NO_SESSION = "没有找到这次培训。"
ATTENDANCE_UNKNOWN_POST = "表格中有不属于本年度报送岗位的行，本次未保存。请刷新页面后重新填写。"
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


# --- naming (命名, certificates, honour roll, verification) ------------------------------------------


# --- dashboard (the city's home) ------------------------------------------------------------------

