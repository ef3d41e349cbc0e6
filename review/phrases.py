"""The phrase book of 初审: every message the review pages, forms and services show, worded once."""

ONLY_REVIEWER = "只有初审单位账号可以办理初审。"
ONLY_CITY = "只有市妇联宣发部账号可以办理此项。"
UNKNOWN_DECISION = "未知的初审决定。"
OPINION_REQUIRED = "推荐须填写初审意见（打印在申报表最后一栏）。"
CONDITIONS_REQUIRED = "推荐前须逐项确认符合《通知》第二部分的五项创建条件。"
FROZEN = "本单位已于{filed_at}报送汇总表，初审决定已锁定；如需修改，请联系市妇联宣发部退回汇总表。"
QUOTA_FULL = "本年度推荐名额为{quota}个，已经用完，不能再推荐；可先把已推荐的申报改为退回修改或不予推荐。"
RANK_STALE = "推荐名单已有变化（同事刚刚作了决定），排序没有保存。请刷新页面后重新排序。"
FILE_PENDING = "还有{count}份申报待初审或退回修改中，请先对每份申报作出决定（推荐、退回修改或不予推荐）再报送。"
FILE_OVER_QUOTA = "推荐名额为{quota}个，现推荐数超出{over}份，请先调整后再报送。"
REOPEN_REASON_REQUIRED = "退回汇总表必须写明理由。"
ALREADY_REOPENED = "这份汇总表已经退回过，不能重复退回。"
REOPEN_TOO_LATE = "该单位报送的申报已有考核结果，不能再退回汇总表。"
REOPENED_MAIL_SUBJECT = "【柳州市巾帼文明岗】{year}年度汇总表已被市妇联退回"
REOPENED_MAIL_BODY = (
    "{body}：\n\n市妇联宣发部已退回贵单位报送的{year}年度汇总表（附件2），理由：\n{reason}\n\n"
    "贵单位推荐的申报已回到“初审推荐”状态。请登录系统按意见调整后重新报送；"
    "如初审已截止，请联系市妇联宣发部办理延期。\n"
)

# --- tests helper ---
NOT_YOUR_APPLICATION = "这份申报不属于本单位初审，不能办理。"
# --- docs helper: the 初审 documents (汇总表 xlsx, bulk PDF, export_summary) ---
DOCS_NO_CAMPAIGN = "还没有创建年度，暂无汇总表。"
DOCS_NO_PART = "没有这一部分的申报表 PDF。"
DOCS_NOTHING_TO_PRINT = "本单位还没有推荐的申报，暂无可打印的申报表。"
DOCS_NO_FILING = "没有找到这份报送的汇总表。"
DOCS_FILE_MISSING = "这份报送的汇总表文件已不在服务器上，请联系系统管理员。"
# --- ui helper: the review pages ----------------------------------------------------------------
DEFAULT_OPINION = "经审核，该岗位符合创建条件，同意推荐。"
ACTION_REQUIRED = "请选择初审决定：推荐、退回修改或不予推荐。"
REASON_REQUIRED = "退回修改或不予推荐须写明理由（申报单位会看到）。"
OPINION_LABEL = "初审意见 / 退回或不予推荐的理由"
OPINION_HELP = "推荐时为初审意见，打印在申报表最后一栏；退回修改或不予推荐时为理由，申报单位会看到。"
CONDITIONS_LABEL = "五项创建条件（《通知》第二部分）"
DECIDED = "已{action}：{name}。"
BULK_NONE_CHOSEN = "请先勾选要推荐的申报。"
BULK_DONE = "已推荐{count}份申报。"
BULK_REFUSED = "“{name}”未能推荐：{reason}"
BULK_UNKNOWN = "所选申报中有的已不在待初审名单中，请刷新页面后重新勾选。"
RANK_SAVED = "排序已保存。"
FILE_CONFIRM_LABEL = "已核对汇总表内容"
FILE_CONFIRM_REQUIRED = "报送前请先核对汇总表内容，并勾选“已核对汇总表内容”。"
FILED = "汇总表已报送市妇联（{filed_at}），共{rows}份推荐。"
ALREADY_FILED = "本单位已于{filed_at}报送汇总表，无需重复报送。"
REOPENED = "已退回{body}的汇总表，该单位可调整后重新报送。"
REOPEN_REASON_LABEL = "退回理由"
BODY_CLOSED_TITLE = "{stage}已截止：现在不能作初审决定，也不能报送汇总表"
BODY_NOT_OPEN_TITLE = "{stage}尚未开始：现在不能作初审决定，也不能报送汇总表"
BODY_ASK_EXTENSION = "如需延期，请联系市妇联宣发部（电话 0772-2850377）。"
TYPED_KEPT = "您填写的内容仍保留在下方，未保存。"
QUEUE_ONLY_REVIEWER = "只有初审单位账号可以查看初审队列。"

# --- walk: wording from the phone walk-through ---
REASON_SAYS_RECOMMEND = (
    "理由栏仍是推荐的意见（“……同意推荐”）；退回修改或不予推荐时，请改写为申报单位能看懂的理由。"
)

# --- rev (review of issue 6) ---
REOPEN_BODY_CLOSED = (
    "{body}的初审已于{closes_at}截止：退回后，该单位既不能调整推荐，也不能重新报送，"
    "其推荐在延期之前不会回到市妇联的名单中。请先在管理后台为该单位延长初审期限，再退回。"
)
