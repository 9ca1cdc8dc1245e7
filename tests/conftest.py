import pytest
from django.db import connection

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory


def pytest_configure(config):
    from django.conf import settings

    # Password hashing on purpose costs ~100 ms; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Every test stores uploads and PDFs in its own folder."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def representative(db):
    return MembershipFactory(is_representative=True).user


@pytest.fixture
def organization(representative):
    return representative.memberships.get().organization


@pytest.fixture
def member(organization):
    return MembershipFactory(organization=organization).user


@pytest.fixture
def outsider(db):
    """A member of another organization."""
    return MembershipFactory(organization=OrganizationFactory(), is_representative=True).user


@pytest.fixture
def officer(db):
    return UserFactory(roles=["program_officer"])


@pytest.fixture
def manager(db):
    return UserFactory(roles=["program_manager"])


requires_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent transactions need PostgreSQL"
)
