from django.urls import path

from review import document_urls, views
from review.city import urls as city_urls

app_name = "review"

urlpatterns = [
    path("review/", views.queue, name="queue"),
    path("review/recommend/", views.recommend_many, name="recommend_many"),
    path("review/rank/", views.rank, name="rank"),
    path("review/summary/", views.summary, name="summary"),
    *document_urls.urlpatterns,
    path("review/<str:key>/", views.detail, name="detail"),
    path("review/<str:key>/decide/", views.decide, name="decide"),
    path("city/", views.city, name="city"),
    path("city/summary/<int:report_id>/reopen/", views.reopen, name="reopen"),
    *city_urls.urlpatterns,
]
