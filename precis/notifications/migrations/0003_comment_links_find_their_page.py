"""Comment links in stored notifications name the comment in the query string.

Comments are paginated now: ``/summaries/7/#comment-42`` only lands on the
comment while it is on the first page (the fragment never reaches the server),
while ``/summaries/7/?comment=42#comment-42`` lets the page find it.
"""

import re

from django.db import migrations

OLD_LINK = re.compile(r"^(/summaries/\d+/)#comment-(\d+)$")
BATCH = 1000


def name_the_comment(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(url__regex=r"^/summaries/[0-9]+/#comment-[0-9]+$")
    last_pk = 0
    while True:
        batch = list(rows.filter(pk__gt=last_pk).order_by("pk")[:BATCH])
        if not batch:
            return
        for row in batch:
            page, comment = OLD_LINK.match(row.url).groups()
            row.url = f"{page}?comment={comment}#comment-{comment}"
        Notification.objects.bulk_update(batch, ["url"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_follow_collection")]

    operations = [migrations.RunPython(name_the_comment, migrations.RunPython.noop)]
