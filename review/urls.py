from django.urls import path

from review import document_urls, views

app_name = "review"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("city/", views.city, name="city"),
    *document_urls.urlpatterns,
]
