import copy
import datetime
from pathlib import Path

import pytest

from accounts.models import Membership, Organization, User

TEST_TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
TEST_PASSWORD = "mot-de-passe-solide-1"


@pytest.fixture
def private_media(settings, tmp_path):
    """Store every file of the test under a temporary PRIVATE_MEDIA_ROOT."""
    root = tmp_path / "private"
    root.mkdir()
    settings.PRIVATE_MEDIA_ROOT = root
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def test_templates(settings):
    """Make the templates under tests/common/templates loadable, after the project's own."""
    engine = copy.deepcopy(settings.TEMPLATES[0])
    engine["DIRS"] = [*engine["DIRS"], TEST_TEMPLATES_DIR]
    settings.TEMPLATES = [engine]
    return TEST_TEMPLATES_DIR


def make_user(email: str, **extra) -> User:
    return User.objects.create_user(email=email, password=TEST_PASSWORD, first_name="Test", last_name="User", **extra)


def make_organization(name: str = "Carrefour jeunesse de Montréal", neq: str = "1140000001") -> Organization:
    return Organization.objects.create(
        name=name,
        neq=neq,
        legal_form="non_profit",
        region="06",
        street_address="1234, rue Sainte-Catherine Est",
        city="Montréal",
        postal_code="H2L 2G9",
        incorporated_on=datetime.date(2004, 5, 17),
        mission="Prévenir l'intimidation chez les jeunes.",
    )


@pytest.fixture
def organization(db):
    return make_organization()


@pytest.fixture
def member(organization):
    user = make_user("representante@example.org")
    Membership.objects.create(organization=organization, user=user, is_representative=True)
    return user


@pytest.fixture
def outsider(db):
    """A signed-up user who belongs to no organization."""
    return make_user("autre@example.org")
