"""Identical requests at the same moment produce one effect (PostgreSQL row locks and constraints)."""

import threading

import pytest
from django.db import connection

from accounts import services
from accounts.models import Membership, Organization, User
from common.models import Notification
from tests.conftest import requires_postgresql
from tests.factories import UserFactory

pytestmark = [requires_postgresql, pytest.mark.django_db(transaction=True)]


def run_together(function, times: int = 3) -> list:
    """Run `function` in `times` threads released at once; return its results and exceptions."""
    barrier = threading.Barrier(times)
    outcomes = []

    def worker():
        barrier.wait()
        try:
            outcomes.append(function())
        except Exception as error:  # the test inspects what each thread met
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_parallel_registrations_create_one_account():
    outcomes = run_together(
        lambda: services.register_user(
            email="meme@exemple.qc.ca",
            password="Intimidation-Zero-2026",
            first_name="Léa",
            last_name="Roy",
            preferred_language="fr",
        )
    )
    assert User.objects.filter(email="meme@exemple.qc.ca").count() == 1
    assert Notification.objects.count() == 1
    assert sum(isinstance(outcome, services.ServiceError) for outcome in outcomes) == 2


def test_parallel_organization_creation_makes_one():
    founder = UserFactory()
    profile = {
        "name": "Maison de la famille du Granit",
        "neq": "1161112223",
        "legal_form": "non_profit",
        "region": "05",
        "street_address": "3, rue Laval",
        "city": "Lac-Mégantic",
        "postal_code": "G6B 1A1",
        "incorporated_on": "2001-01-01",
        "mission": "Soutenir les familles.",
    }
    run_together(lambda: services.create_organization(actor=founder, **profile))
    assert Organization.objects.filter(neq="1161112223").count() == 1
    assert Membership.objects.filter(user=founder).count() == 1


def test_parallel_invitations_send_one():
    founder = UserFactory()
    organization = services.create_organization(
        actor=founder,
        name="Centre des femmes",
        neq="1163334445",
        legal_form="non_profit",
        region="01",
        street_address="1, rue Principale",
        city="Rimouski",
        postal_code="G5L 1A1",
        incorporated_on="1995-05-05",
        mission="Accueillir les femmes.",
    )
    outcomes = run_together(lambda: services.invite_member(organization=organization, actor=founder, email="x@y.qc.ca"))
    assert organization.invitations.count() == 1
    assert len({outcome.pk for outcome in outcomes}) == 1
