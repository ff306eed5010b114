from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "precis.findings"
    label = "findings"
    verbose_name = "Findings"

    def ready(self):
        from django.db.models.signals import post_save

        from precis.papers.models import PaperRedirect

        from . import services

        # merge_papers records the duplicate's redirect and then deletes it: its findings
        # move to the kept paper when the redirect is saved, before the delete.
        post_save.connect(
            services.move_findings_of_merged_paper,
            sender=PaperRedirect,
            dispatch_uid="findings.move_on_merge",
        )
