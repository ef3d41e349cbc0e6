"""The city's publicity pages."""

urlpatterns: list = []
