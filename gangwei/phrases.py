"""Messages of the shared core: accounts, request hygiene, admin. Simplified Chinese, 您 throughout."""

# -- Requests that cannot be read (bad bytes, NUL, undecodable bodies) -------------------------
REQUEST_TITLE = "无法处理这个请求"
REQUEST_NUL_IN_URL = "网址中含有不允许的字符（空字符）。请检查链接是否完整、是否被改动过。"
REQUEST_BAD_URL = "网址的格式不正确。请检查链接是否完整、是否被改动过。"
REQUEST_BAD_HEADER = "请求中含有不允许的字符（空字符）。"
REQUEST_BAD_CHARSET = "提交的内容使用了本系统不支持的字符编码（{charset}）。请使用浏览器直接在本网站的页面上填写提交。"
REQUEST_BAD_ENCODING = "提交的内容不是有效的 UTF-8 文本。请使用浏览器直接在本网站的页面上填写提交。"
REQUEST_UNREADABLE_BODY = "提交的内容已损坏或格式不正确，系统无法读取。请返回上一页，在本网站的页面上重新提交。"
REQUEST_NOTHING_SAVED = "本次提交未被处理，没有保存任何内容。"

# Form input, every form (gangwei.formbase): limits, control characters, formset rows.
INPUT_TOO_LONG = "最多%(limit_value)d字，当前为%(show_value)d字，请删减后再保存。"
INPUT_LENGTH_HINT = "最多{limit}字"
INPUT_CONTROL_CHARACTERS = "含有不允许的控制字符（如空字符），请删除后再保存。"
INPUT_HIDDEN_REFUSED = "页面自带的信息缺失或被改动过，本次未保存。请先复制您填写的内容，再刷新页面后重新填写提交。"
ROWS_TOO_MANY = "最多只能填写%(num)d行，请删除多余的行。"
ROWS_TOO_FEW = "至少需要填写%(num)d行。"
ROWS_TAMPERED = "表格的行数信息缺失或被改动过（%(field_names)s），这部分未能读取。请刷新页面后重新填写这一部分。"

# -- Accounts: passwords, login, lockout -------------------------------------------------------

# -- Admin: deadlines, history -----------------------------------------------------------------

# -- Dates and stages --------------------------------------------------------------------------
