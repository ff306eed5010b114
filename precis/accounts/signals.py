"""Events accounts announces for higher apps to act on, so accounts never imports them."""

from django.dispatch import Signal

# Sent inside ``services.block``'s transaction with ``who`` and ``whom`` (users):
# ``whom`` must stop following ``who`` (notifications subscribes).
blocked = Signal()
