"""The 初审 documents: 附件2 汇总表 (.xlsx) and the bulk print of 附件1 (PDF)."""

# Included by review.urls, inside its "review" namespace.

urlpatterns: list = []
