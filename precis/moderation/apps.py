from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "precis.moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from precis.lib import screening

        from . import trust  # noqa: F401 - connects its sign-up receivers
        from .screening import ModerationScreener

        screening.register(ModerationScreener())
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        m2m_changed.connect(
            _group_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="moderation-links-on-group-change",
        )


def _group_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Someone joined or left a group: pages show them the right moderators' links."""
    if not action.startswith("post_"):
        return
    from precis.lib.moderation import forget_moderator_links

    if reverse:  # from the group's side: ``pk_set`` are users (None when cleared)
        forget_moderator_links(pk_set or instance.user_set.values_list("pk", flat=True))
    else:
        forget_moderator_links([instance.pk])
