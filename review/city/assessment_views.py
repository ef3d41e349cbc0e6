"""The city's assessment pages."""

urlpatterns: list = []
