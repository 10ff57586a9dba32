"""factory-boy factories: used by the tests and by ``seed_demo``."""

import factory
from factory.django import DjangoModelFactory

from casemgmt.models import Agency, AgencyKind, User
from casemgmt.roles import Role

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - documented demo log-in


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.LazyAttribute(lambda o: o.name[:40])
    kind = AgencyKind.PRISON
    district = factory.Faker("random_element", elements=["Swat", "Peshawar", "Mardan", "Dir"])


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    agency = factory.SubFactory(AgencyFactory)
    role = Role.CASEWORKER
    password = factory.django.Password(DEMO_PASSWORD)


class CaseworkerFactory(UserFactory):
    role = Role.CASEWORKER


class SupervisorFactory(UserFactory):
    role = Role.SUPERVISOR


class AuditorFactory(UserFactory):
    role = Role.AUDITOR


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
