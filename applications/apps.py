from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = "申报"

    def ready(self) -> None:
        from applications import tally
        from applications.models import Application
        from gangwei.models import Organisation

        # A deleted application leaves its count (QuerySet.delete included: it sends this per row).
        post_delete.connect(tally.application_deleted, sender=Application, dispatch_uid="tally_application_deleted")
        # A unit moved to another 初审 body takes its applications' counts with it.
        pre_save.connect(tally.organisation_saving, sender=Organisation, dispatch_uid="tally_organisation_saving")
        post_save.connect(tally.organisation_saved, sender=Organisation, dispatch_uid="tally_organisation_saved")
