"""The URL patterns of the city's stages and the public pages, gathered from each stage's views."""

from review.city import assessment_views, naming_views, publicity_views, training_views

urlpatterns = [
    *training_views.urlpatterns,
    *assessment_views.urlpatterns,
    *publicity_views.urlpatterns,
    *naming_views.urlpatterns,
]
