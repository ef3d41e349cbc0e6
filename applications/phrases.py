"""Messages reused across the views, forms and services of the 申报 stage."""

STALE_FORM = (
    "这份申报表在您打开页面之后已被修改（可能在另一个窗口或由同事保存）。"
    "为避免覆盖较新的内容，本次未保存；您填写的内容仍在下方，请刷新核对后再保存。"
)
ONLY_APPLICANT = "只有申报单位本身可以修改这份申报表。"
NOT_EDITABLE = "申报表当前状态为“{status}”，不能修改。如需修改请先撤回。"
ATTACHMENTS_FROZEN = "申报表已进入初审，附件不能再增删。"
SAVED_DRAFT = "草稿已保存。"
SAVED_BUT_NOT_SUBMITTED = "内容已保存为草稿，但尚未提交：请按提示修改标红的项目后再提交。"
SUBMITTED = "申报表已提交，等待{body}初审。"
RECEIPT_SENT = "回执邮件已发往 {emails}。"
TYPED_TEXT_NOT_SAVED = "您填写的内容尚未保存，仍在下方：请先复制保存，以免丢失。"
DUPLICATE_POST = "这份申报表刚才已经保存过，重复的提交已忽略。"
WITHDRAWN = "申报表已撤回为草稿，可以修改后重新提交。"
FIX_ERRORS = "请按提示修改标红的项目。"
UPLOAD_TOO_LARGE = "文件过大：单个文件不能超过 {limit}，当前为 {size}。"
UPLOAD_BAD_TYPE = "只能上传 PDF、JPEG 或 PNG 格式的扫描件；此文件的内容不是这三种格式（与文件名无关）。"
UPLOAD_EMPTY = "文件是空的，请重新选择。"
UPLOAD_DONE = "已上传：{name}"
UPLOAD_DELETED = "已删除附件：{name}"

# -- Rows and length limits ---------------------------------------------------------------------
LEADER_NAME_MISSING = "请填写负责人姓名，或删除这一行。"
LEADER_GENDER_MISSING = "请选择负责人性别，或删除这一行。"
HONOUR_TITLE_MISSING = "请填写荣誉名称，或删除这一行。"

# -- Uploads ------------------------------------------------------------------------------------

# -- Pages: closed stages, refusals, the eligibility rules (read by the browser too) -------------

