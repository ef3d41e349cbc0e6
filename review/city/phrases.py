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

