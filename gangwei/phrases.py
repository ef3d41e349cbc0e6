"""Messages of the shared core: accounts, request hygiene, admin. Simplified Chinese, 您 throughout."""

# -- Requests that cannot be read (bad bytes, NUL, undecodable bodies) -------------------------

# -- Accounts: passwords, login, lockout -------------------------------------------------------

# -- Admin: deadlines, history -----------------------------------------------------------------

CHANGE_REASON_LABEL = "修改理由"
CHANGE_REASON_HELP = "修改截止时间时必填，记入修改记录。"
CHANGE_REASON_REQUIRED = "您修改了{fields}，请填写修改理由（将记入修改记录）。"
REVERT_REASON_REQUIRED = "请填写还原理由（将记入修改记录）。"
REVERT_REFUSED_ON_VIEW_PAGE = "修改记录页面只供查看；还原请点“还原到此版本…”，在确认页面填写理由。"
REVERT_NOTHING_TO_DO = "这一版本与当前内容相同，无需还原。"
REVERT_DONE = "已将“{obj}”还原至 {when} 的版本。"
REVERT_CHANGE_REASON = "还原至{when}的版本：{reason}"
COPY_CREATED = (
    "已创建{year}年度，日期已顺延一年。通知文号已留空，请填写本年度的通知文号，并核对标题和各阶段截止时间；"
    "填写之前，申报页面不显示文号。"
)
COPY_EXISTS = "{year}年度已存在，未重复创建。"
NOTICE_NUMBER_MISSING = "（未填写）"
USABLE_PASSWORD_HELP = "是否允许该用户用密码登录。本系统只有密码登录，禁用后该用户将无法登录。"
USABLE_PASSWORD_LOST = "禁用后，该用户现有的密码将作废。"

# -- Dates and stages --------------------------------------------------------------------------
