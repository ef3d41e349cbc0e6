from django.urls import path

from applications import views

app_name = "applications"

urlpatterns = [
    path("", views.my_applications, name="list"),
    path("new/", views.application_new, name="new"),
    path("<str:key>/", views.application_detail, name="detail"),
    path("<str:key>/edit/", views.application_edit, name="edit"),
    path("<str:key>/submit/", views.application_submit_view, name="submit"),
    path("<str:key>/withdraw/", views.application_withdraw_view, name="withdraw"),
    path("<str:key>/pdf/", views.application_pdf, name="pdf"),
    path("<str:key>/attachments/", views.attachment_upload, name="upload"),
    path("<str:key>/attachments/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("<str:key>/attachments/<int:attachment_id>/delete/", views.attachment_delete_view, name="attachment_delete"),
]
