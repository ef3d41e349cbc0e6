from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "初审、培训、考核与命名"

    def ready(self) -> None:
        from review import progress
        from review.models import Assessment, Attendance, Certificate, Objection, Publicity, PublicityEntry

        # A post's records of the city's later work change its progress (and its place in the counts).
        for model in (Attendance, Assessment, PublicityEntry, Objection, Certificate):
            for signal in (post_save, post_delete):
                signal.connect(
                    progress.record_changed, sender=model, dispatch_uid=f"progress_{model.__name__}_{signal is post_save}"
                )
        post_save.connect(progress.publicity_saved, sender=Publicity, dispatch_uid="progress_publicity_saved")
