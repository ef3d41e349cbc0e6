"""The city's training pages."""

urlpatterns: list = []
