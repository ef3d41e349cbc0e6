"""The phrase book of the city's stages: every message their pages, forms and services show, worded
once. Each stage keeps its own section."""

ONLY_CITY = "只有市妇联宣发部账号可以办理此项。"
NO_CAMPAIGN = "目前没有创建年度。"
NO_CAMPAIGN_OF_YEAR = "没有这一年度的巾帼文明岗创建。"
TYPED_KEPT = "您填写的内容仍保留在下方，未保存。"

# --- training (培训) --------------------------------------------------------------------------------


# --- assessment (考核) ------------------------------------------------------------------------------


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


# --- dashboard (the city's home) ------------------------------------------------------------------

