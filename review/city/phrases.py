"""The phrase book of the city's stages: every message their pages, forms and services show, worded
once. Each stage keeps its own section."""

ONLY_CITY = "只有市妇联宣发部账号可以办理此项。"
NO_CAMPAIGN = "目前没有创建年度。"
NO_CAMPAIGN_OF_YEAR = "没有这一年度的巾帼文明岗创建。"
TYPED_KEPT = "您填写的内容仍保留在下方，未保存。"

# --- training (培训) --------------------------------------------------------------------------------


# --- assessment (考核) ------------------------------------------------------------------------------


# --- publicity (公示 and 异议) -----------------------------------------------------------------------


# --- naming (命名, certificates, honour roll, verification) ------------------------------------------


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
