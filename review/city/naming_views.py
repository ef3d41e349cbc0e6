"""The city's naming pages."""

urlpatterns: list = []
