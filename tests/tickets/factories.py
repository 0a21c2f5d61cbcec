"""factory-boy factories of the tickets app: teams, staff, customers, orders, categories, tickets."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from helpdesk import roles
from tickets.models import AgentProfile, Category, CategoryField, Channel, Customer, Order, Status, Team, Ticket


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    countries = factory.LazyFunction(list)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@helpdesk.test")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Tester"
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


def make_staff(
    *,
    team: Team | None,
    tier: str = "L1",
    group: str = roles.AGENT_GROUP,
    languages: list[str] | None = None,
    on_shift: bool = True,
    **user_fields: object,
):
    """A staff user with a profile in `team`, in the role group given."""
    user = UserFactory(**user_fields)
    roles.ensure_groups()
    user.groups.add(Group.objects.get(name=group))
    AgentProfile.objects.create(
        user=user, team=team, tier=tier, languages=languages or ["en"], on_shift=on_shift, time_zone="Asia/Shanghai"
    )
    return get_user_model().objects.get(pk=user.pk)  # fresh: permission cache empty


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"Customer {n}")
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    language = "en"
    country = "DE"
    time_zone = "Europe/Berlin"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(CustomerFactory)
    platform = "shopify"
    external_number = factory.Sequence(lambda n: f"SO-{n:05d}")
    currency = "EUR"
    total = Decimal("120.00")
    ship_to_country = "DE"
    placed_at = factory.LazyFunction(timezone.now)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.LazyAttribute(lambda c: c.slug.title())
    kind = "complaint"


class CategoryFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryField

    category = factory.SubFactory(CategoryFactory)
    key = factory.Sequence(lambda n: f"fact_{n}")
    label = factory.LazyAttribute(lambda f: f.key.replace("_", " ").title())
    field_type = "text"


class TicketFactory(factory.django.DjangoModelFactory):
    """A ticket row without messages; use services.ticket_create for the full intake path."""

    class Meta:
        model = Ticket

    subject = factory.Sequence(lambda n: f"Ticket subject {n}")
    customer = factory.SubFactory(CustomerFactory)
    team = factory.SubFactory(TeamFactory)
    status = Status.NEW
    channel = Channel.WEB
    language = factory.LazyAttribute(lambda t: t.customer.language)
    last_activity_at = factory.LazyFunction(timezone.now)


def make_platform(username: str = "shop-platform"):
    """A store platform's API account: the Integrations group, no team."""
    user = UserFactory(username=username)
    roles.ensure_groups()
    user.groups.add(Group.objects.get(name=roles.INTEGRATION_GROUP))
    return get_user_model().objects.get(pk=user.pk)
