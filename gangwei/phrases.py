"""Messages of the shared core: accounts, request hygiene, admin. Simplified Chinese, 您 throughout."""

# -- Requests that cannot be read (bad bytes, NUL, undecodable bodies) -------------------------
REQUEST_NUL_IN_URL = "网址中含有不允许的字符（空字符）。请检查链接是否完整、是否被改动过。"
REQUEST_BAD_URL = "网址的格式不正确。请检查链接是否完整、是否被改动过。"
REQUEST_BAD_HEADER = "请求中含有不允许的字符（空字符）。"
REQUEST_BAD_CHARSET = "提交的内容使用了本系统不支持的字符编码（{charset}）。请使用浏览器直接在本网站的页面上填写提交。"
REQUEST_BAD_ENCODING = "提交的内容不是有效的 UTF-8 文本。请使用浏览器直接在本网站的页面上填写提交。"
REQUEST_UNREADABLE_BODY = "提交的内容已损坏或格式不正确，系统无法读取。请返回上一页，在本网站的页面上重新提交。"

# Form input, every form (gangwei.formbase): limits, control characters, formset rows.
INPUT_TOO_LONG = "最多%(limit_value)d字，当前为%(show_value)d字，请删减后再保存。"
INPUT_LENGTH_HINT = "最多{limit}字"
INPUT_CONTROL_CHARACTERS = "含有不允许的控制字符（如空字符），请删除后再保存。"
INPUT_HIDDEN_REFUSED = "页面自带的信息缺失或被改动过，本次未保存。请先复制您填写的内容，再刷新页面后重新填写提交。"
ROWS_TOO_MANY = "最多只能填写%(num)d行，请删除多余的行。"
ROWS_TOO_FEW = "至少需要填写%(num)d行。"
ROWS_TAMPERED = "表格的行数信息缺失或被改动过（%(field_names)s），这部分未能读取。请刷新页面后重新填写这一部分。"

# -- Accounts: passwords, login, lockout -------------------------------------------------------

# Password rules (gangwei/validators.py): each validator's message, and its line in the rules shown
# beside the password field before anything is typed.
PASSWORD_TOO_SHORT = "您的密码太短：至少需要{min_length}个字符，当前为{length}个。"
PASSWORD_TOO_LONG = "您的密码太长：最多{max_length}个字符。"
PASSWORD_LENGTH_RULE = "至少{min_length}个字符（最多{max_length}个）"
PASSWORD_TOO_FEW_CLASSES = (
    "您的密码须包含大写字母、小写字母、数字、符号这四类中的至少{required}类，当前只有{found}类。"
)
PASSWORD_CLASSES_RULE = "包含大写字母、小写字母、数字、符号这四类中的至少{required}类（空格不算）"
PASSWORD_COMMON = (
    "您的密码太常见，或只是在常见的词（如 password、admin、liuzhou）前后加上数字或符号，很容易被猜中。"
)
PASSWORD_COMMON_RULE = "不是常见密码，也不只是在常见的词、地名前后加上年份或数字"
PASSWORD_PATTERN = (
    "您的密码主要由键盘上相邻的键、顺序的字母或数字、重复的字符组成（如 qwerty、123456、aaaa），"
    "很容易被猜中。"
)
PASSWORD_PATTERN_RULE = "不主要由键盘相邻键、顺序字符或重复字符组成"
PASSWORD_SIMILAR = "您的密码与您的{attribute}太相近，别人容易猜中。"
PASSWORD_SIMILAR_RULE = "不与您的登录用户名、单位名称、联系人、电话或邮箱相近"
PASSWORD_DEMO = "这是演示系统公开的密码，任何人都知道，不能用作您的密码。"
PASSWORD_MISMATCH = "您两次输入的密码不一致。"
PASSWORD_OLD_INCORRECT = "您输入的原密码不正确，请重新输入。"
PASSWORD_RULES_INTRO = "密码要求："

# Login: a failed try says how many remain before the lockout (gangwei/forms.py LoginForm). The
# same words whether or not the username exists.
LOGIN_FAILED = "用户名或密码不正确。"
LOGIN_TRIES_LEFT = "用户名或密码不正确。再失败 {left} 次，该账号将在本机锁定{cooloff}。"

# Registration: what the new unit can do next.
REGISTERED = "注册成功，欢迎 {unit}。"
REGISTERED_APPLY_OPEN = "现在可以填写申报表了，申报截止时间为{closes}。"
REGISTERED_APPLY_NOT_YET = "{year}年度申报将于{opens}开始，届时即可填写申报表。"
REGISTERED_APPLY_CLOSED = (
    "{year}年度申报已于{closes}截止，现在不能再新建申报。如需延期，请联系{body}或市妇联宣发部（0772-2850377）。"
)
REGISTERED_NO_CAMPAIGN = "本年度申报工作尚未发布，发布后即可填写申报表。"

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
