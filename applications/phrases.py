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
RECEIPT_SENT = "回执邮件将发送至 {emails}。"
TYPED_TEXT_NOT_SAVED = "您填写的内容尚未保存，仍在下方：请先复制保存，以免丢失。"
DUPLICATE_POST = "这份申报表刚才已经保存过，重复的提交已忽略。"
WITHDRAWN = "申报表已撤回为草稿，可以修改后重新提交。"
UPLOAD_TOO_LARGE = "文件过大：单个文件不能超过 {limit}，当前为 {size}。"
UPLOAD_BAD_TYPE = "只能上传 PDF、JPEG 或 PNG 格式的扫描件；此文件的内容不是这三种格式（与文件名无关）。"
UPLOAD_EMPTY = "文件是空的，请重新选择。"
UPLOAD_DONE = "已上传：{name}"
UPLOAD_DELETED = "已删除附件：{name}"
UPLOAD_FILE_MISSING = "这个附件的文件已不在服务器上，请重新上传或联系系统管理员。"

# -- Rows and length limits ---------------------------------------------------------------------
LEADER_NAME_MISSING = "请填写负责人姓名，或删除这一行。"
LEADER_GENDER_MISSING = "请选择负责人性别，或删除这一行。"
HONOUR_TITLE_MISSING = "请填写荣誉名称，或删除这一行。"

# -- Uploads ------------------------------------------------------------------------------------

# Each refusal of an upload has its own message (applications/uploads.py); UPLOAD_BAD_TYPE,
# UPLOAD_TOO_LARGE and UPLOAD_EMPTY above are the content-type, size and empty-file ones.
REMAKE_PDF = "请用扫描仪或“打印为 PDF”重新生成后上传。"
UPLOAD_PDF_UNREADABLE = (
    "此文件以 PDF 开头，但无法作为 PDF 打开（文件已损坏，或其实是网页等其他内容）。" + REMAKE_PDF
)
UPLOAD_PDF_SCRIPT = "此 PDF 含有脚本（JavaScript）或打开、点击时自动执行的动作，出于安全原因不能上传。" + REMAKE_PDF
UPLOAD_PDF_LAUNCH = "此 PDF 含有启动程序、打开其他文件或提交数据的动作，出于安全原因不能上传。" + REMAKE_PDF
UPLOAD_PDF_EMBEDDED = (
    "此 PDF 内嵌了其他文件（附件），不能上传。请只上传扫描件本身；其他材料请转为 PDF 后作为单独的文件上传。"
)
UPLOAD_PDF_ENCRYPTED = "此 PDF 设置了密码或权限保护，审核人员无法打开或打印。请取消加密、重新保存后上传。"
UPLOAD_PDF_TOO_COMPLEX = "此 PDF 结构过于复杂（对象过多或嵌套过深），无法在限定时间内检查。" + REMAKE_PDF
UPLOAD_IMAGE_DAMAGED = "图片已损坏或不完整（可能没有传输完），无法完整读取。请重新扫描或拍照后上传。"
UPLOAD_IMAGE_TOO_MANY_PIXELS = (
    "图片尺寸过大：{width}×{height}，约{pixels}，超过上限{limit}。"
    "请把扫描分辨率设为 300 dpi 左右，或缩小图片后上传。"
)
UPLOAD_COUNT_LIMIT = "附件数量已达上限：每份申报最多 {max_files} 个文件，此文件未上传。如需替换，请先删除不需要的附件。"
UPLOAD_TOTAL_LIMIT = (
    "附件总大小将超出上限：每份申报最多 {max_size}，此文件 {size}，剩余空间 {size_left}，此文件未上传。"
    "请先删除不需要的附件，或压缩后上传。"
)
UPLOAD_QUOTA = (
    "已上传 {files} 个文件，共 {size}；还可上传 {files_left} 个、{size_left}"
    "（每份申报最多 {max_files} 个文件、共 {max_size}，单个文件不超过 {file_limit}）。"
)
UPLOAD_NONE_CHOSEN = "请先选择要上传的文件。"
UPLOAD_NOT_TRIED = "一次上传最多检查约 {seconds} 秒，以下文件这次未检查、未上传，请再选一次：{names}"


# -- Pages: closed stages, refusals, the eligibility rules (read by the browser too) -------------

# A refusal that saved nothing says so, and what to fix; a draft saved but not submitted says that.
# The problems themselves are listed once, in the error summary under it (each linked to its field).
NOT_SAVED = "未保存：有{count}处需要修改，见下方列表。请改正标红的项目后再保存；您填写的内容仍在下方，尚未丢失。"
NOT_SUBMITTED = "未提交：申报表还有需要修改的项目（已在下方标红）。内容已保存为草稿，改好后请再点“提交申报”。"

# 申报 (or 初审 for a returned application) is closed for this unit: shown instead of a live form.
STAGE_CLOSED_TITLE = "{stage}已截止，现在不能{doing}"
STAGE_NOT_OPEN_TITLE = "{stage}尚未开始，现在不能{doing}"
STAGE_WINDOW = "{stage}开放时间：{opens}至{closes}。"
STAGE_ASK_EXTENSION = "如确需延期，请联系{body}{body_contact}，或柳州市妇女联合会宣发部（联系电话 0772-2850377）。"
STAGE_BODY_CONTACT = "（{contact}）"
STAGE_READ_ONLY = "下方是已保存的内容，只能查看，不能修改。"
STAGE_READ_ONLY_TYPED = "下方是您刚才填写的内容，尚未保存，只能查看和复制。"
DOING_NEW = "新建申报表"
DOING_EDIT = "修改或提交申报表"

# 下一步 on 我的申报 and the detail page: what is really next, by status and window.
NEXT_DRAFT_OPEN = "继续填写，并在申报截止前提交"
NEXT_DRAFT_CLOSED = "申报已截止，这份草稿不能再提交；如需延期，请联系{body}"
NEXT_DRAFT_NOT_YET = "申报尚未开始，开始后可填写提交"
NEXT_SUBMITTED = "等待{body}初审；请打印申报表，盖章签字后上传扫描件"
NEXT_SUBMITTED_CLOSED = "等待{body}初审"
NEXT_RETURNED_OPEN = "按初审意见修改后重新提交（初审截止前）"
NEXT_RETURNED_CLOSED = "初审已截止，退回的申报表不能再重新提交；如需延期，请联系{body}"
NEXT_RECOMMENDED = "{body}已推荐，等待其报送市妇联"
NEXT_NOT_RECOMMENDED = "本年度初审未获推荐"
NEXT_REPORTED = "已报送市妇联：岗位负责人须参加市妇联组织的创建培训"
NEXT_PASSED = "考核合格，等待命名"
NEXT_FAILED = "考核未通过"
NEXT_NAMED = "已授予柳州市巾帼文明岗荣誉称号"
NEXT_NOT_NAMED = "本年度未予命名"

# The timeline as a history: what happened (by event), and what its note is.
EVENT_TEXT = {
    "create": "创建申报表草稿",
    "edit": "保存对申报表的修改",
    "submit": "提交申报表，送初审单位初审",
    "withdraw": "撤回申报表，回到草稿",
    "return": "退回申报表，请申报单位按意见修改",
    "resubmit": "按初审意见修改后重新提交",
    "recommend": "初审推荐，待报送市妇联",
    "not_recommend": "初审不予推荐",
    "report": "报送市妇联",
    "reopen_report": "市妇联退回汇总表，回到初审推荐",
    "pass": "考核合格",
    "fail": "考核不合格",
    "name": "命名为柳州市巾帼文明岗",
    "not_name": "不予命名",
    "upload": "上传附件",
    "delete_upload": "删除附件",
}
EVENT_NOTE_LABEL = {"return": "退回意见", "not_recommend": "理由", "recommend": "初审意见", "reopen_report": "理由", "upload": "文件", "delete_upload": "文件"}
EVENT_NOTE_LABEL_DEFAULT = "说明"

# The rules of the notice's section 二(三), the counted 字 and the number fields. One wording for
# eligibility.py, the form's error_messages and static/js/rules.js, which gets this dict as data
# (json_script, see eligibility.rule_catalogue): never a copy in the js. {name} are placeholders.
RULES = {
    "counts_label": "人数填写完整",
    "share_label": "女性占60%以上（含60%）",
    "staff_label": "至少3名工作人员（特殊岗位除外）",
    "leader_label": "负责人中至少有1名女性",
    "achievements_label": "主要事迹500字以内",
    "counts_missing": "请填写岗位总人数和其中女性人数。",
    "total_missing": "请填写岗位总人数。",
    "total_not_positive": "岗位总人数必须是正整数。",
    "total_invalid": "岗位总人数请填写整数（如 12）。",
    "total_too_large": "岗位总人数不能超过{limit}。",
    "women_negative": "女性人数不能为负数。",
    "women_invalid": "女性人数请填写整数（如 8）。",
    "women_too_large": "女性人数不能超过{limit}。",
    "women_above_total": "女性人数（{women}）不能大于岗位总人数（{total}）。",
    "share_pending": "填写人数后计算女性占比。",
    "share_too_low": "女性占比为{share}，未达到60%（{total}人的岗位至少需要{needed}名女性）。",
    "share_no_total": "无法计算（岗位总人数须大于0）",
    "share_women_negative": "无法计算（女性人数不能为负数）",
    "share_women_above_total": "无法计算（女性人数多于岗位总人数）",
    "special_reason_missing": "勾选特殊岗位时，请写明理由。",
    "staff_too_few": "岗位只有{total}名工作人员，少于3人；如属特殊岗位，请勾选“特殊岗位”并写明理由。",
    "leader_missing": "请至少填写1名岗位负责人。",
    "leader_no_woman": "岗位负责人中至少要有1名女性。",
    "achievements_missing": "请填写主要事迹。",
    "achievements_too_long": "主要事迹限{limit}字以内，当前{count}字（不计空格和换行），请删减{over}字。",
}

# What submission asks of each field left blank (a draft may leave them blank).
REQUIRED = {
    "applicant_name": "请填写申报单位（单位全称及科室/班组）。",
    "post_name": "请填写岗位名称。",
    "parent_unit": "请填写所属单位。",
    "category": "请选择创建对象类别。",
    "contact_name": "请填写联系人。",
    "contact_title": "请填写联系人职务。",
    "contact_phone": "请填写联系电话。",
    "unit_opinion": "请填写单位意见。",
}
PLEDGE_MISSING = "请确认本岗位符合通知第二部分的五项创建条件。"
LEADER_INCOMPLETE = "第{index}位负责人未填写：{missing}。"
LEADER_PHONE_INVALID = "第{index}位负责人的联系电话无效。"

