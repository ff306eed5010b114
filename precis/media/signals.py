from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Figure


@receiver(post_delete, sender=Figure)
def forget_unused_file(sender, instance, **kwargs):
    """A deleted figure (by its owner, or with their account) takes its file along
    once no other upload of the same bytes is kept."""
    if Figure.objects.filter(sha256=instance.sha256).exists():
        return
    from .services import delete_file

    file_name = instance.file_name
    transaction.on_commit(lambda: delete_file(file_name))
