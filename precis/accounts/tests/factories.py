import factory
from allauth.account.models import EmailAddress

from precis.accounts.models import TrustLevel, User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    display_name = factory.Faker("name")
    # An established writer, whose posts the spam rules let through at once; a test
    # about new accounts asks for ``trust_level=TrustLevel.NEW``.
    trust_level = TrustLevel.MEMBER

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


def signup_data(**fields) -> dict:
    """A sign-up form's fields as a person sends them: the form shown a minute ago."""
    import time

    from precis.accounts.forms import started_stamp

    return {"started": started_stamp(time.time() - 60), "website": "", **fields}
