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


# --- dashboard (the city's home) ------------------------------------------------------------------

