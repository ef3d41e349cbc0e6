from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "初审、培训、考核与命名"
