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


# -- Pages: closed stages, refusals, the eligibility rules (read by the browser too) -------------

