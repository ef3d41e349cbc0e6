"""The 初审 documents: 附件2 汇总表 (.xlsx) and the bulk print of 附件1 (PDF)."""

from django.urls import path

from review import document_views

# Included by review.urls, inside its "review" namespace.

urlpatterns: list = [
    path("review/summary/xlsx/", document_views.summary_xlsx, name="summary_xlsx"),
    path("review/summary/pdf/", document_views.summary_pdf, name="summary_pdf"),
    path("review/summary/filed/<int:report_id>/", document_views.filed_xlsx, name="filed_xlsx"),
    path("city/summary/xlsx/", document_views.city_summary_xlsx, name="city_summary_xlsx"),
]
