"""Staff in every role, organizations with their representative and members, and prize nominators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group

from accounts.models import LegalForm, Membership, Organization, Role, User
from oversight.scale import names
from oversight.scale.base import EMAIL_DOMAIN, Build, insert

POSTAL_LETTERS = "ABCEGHJKLMNPRSTVXY"
# First digits of the NEQ of every organization of the data set: 11 is the prefix of a legal person, and no
# demo or test organization uses 117.
NEQ_PREFIX = "117"


@dataclass
class Staff:
    """Primary keys of the staff users, by role, and of the people who only nominate prize candidates."""

    managers: list[int] = field(default_factory=list)
    officers: list[int] = field(default_factory=list)
    reviewers: list[int] = field(default_factory=list)
    committee: list[int] = field(default_factory=list)
    decision_makers: list[int] = field(default_factory=list)
    finance: list[int] = field(default_factory=list)
    jurors: list[int] = field(default_factory=list)
    nominators: list[int] = field(default_factory=list)


@dataclass
class Org:
    """An organization of the data set, with what the file builders need to know about it."""

    pk: int
    name: str
    region: str
    city: str
    clientele: str
    representative_id: int
    representative_name: str


@dataclass(frozen=True)
class StaffRole:
    attribute: str
    role: str | None
    email_prefix: str
    admin_site: bool = False


STAFF_ROLES = (
    StaffRole("managers", Role.PROGRAM_MANAGER, "gestionnaire", admin_site=True),
    StaffRole("officers", Role.PROGRAM_OFFICER, "conseiller"),
    StaffRole("reviewers", Role.REVIEWER, "evaluateur"),
    StaffRole("committee", Role.COMMITTEE_MEMBER, "comite"),
    StaffRole("decision_makers", Role.DECISION_MAKER, "decision"),
    StaffRole("finance", Role.FINANCE_OFFICER, "finances"),
    StaffRole("jurors", Role.JURY_MEMBER, "jury"),
    StaffRole("nominators", None, "proposeur"),
)


def staff_counts(size: int) -> dict[str, int]:
    """Return how many people of each role a data set of `size` applications gets (about 60 reviewers at 10 000)."""
    return {
        "managers": 2,
        "officers": max(2, round(size / 1000)),
        "reviewers": max(8, round(size * 0.006)),
        "committee": 5,
        "decision_makers": 2,
        # Approving and paying an installment takes two different finance officers.
        "finance": 4,
        "jurors": 5,
        "nominators": max(10, size // 30),
    }


def full_name(user: dict) -> str:
    return f"{user['first_name']} {user['last_name']}"


def _user(build: Build, email: str, joined: datetime, *, admin_site: bool = False) -> dict:
    rng = build.rng
    return {
        "email": email,
        "first_name": rng.choice(names.FIRST_NAMES),
        "last_name": rng.choice(names.LAST_NAMES),
        "password": build.password_hash,
        "preferred_language": "en" if rng.random() < 0.08 else "fr",
        "email_verified_at": joined + timedelta(minutes=rng.randint(2, 90)),
        "is_staff": admin_site,
        "is_active": True,
        "is_superuser": False,
        "last_login": None,
        "date_joined": joined,
    }


def _insert_users(users: list[dict]) -> None:
    for user, pk in zip(users, insert(User, users), strict=True):
        user["pk"] = pk


def create_staff(build: Build, size: int, joined: datetime) -> Staff:
    """Create the staff users with their role groups, and the nominators, all joined at about `joined`."""
    counts = staff_counts(size)
    users_by_role: dict[str, list[dict]] = {}
    for spec in STAFF_ROLES:
        users_by_role[spec.attribute] = [
            _user(
                build,
                f"{spec.email_prefix}{number:02d}@{EMAIL_DOMAIN}",
                joined - timedelta(days=build.rng.randint(0, 400)),
                admin_site=spec.admin_site,
            )
            for number in range(1, counts[spec.attribute] + 1)
        ]
    _insert_users([user for users in users_by_role.values() for user in users])

    groups = dict(Group.objects.filter(name__in=Role.values).values_list("name", "pk"))
    insert(
        User.groups.through,
        (
            {"user_id": user["pk"], "group_id": groups[spec.role]}
            for spec in STAFF_ROLES
            if spec.role
            for user in users_by_role[spec.attribute]
        ),
    )
    staff = Staff()
    for attribute, users in users_by_role.items():
        setattr(staff, attribute, [user["pk"] for user in users])
    return staff


def _organization_names(build: Build, count: int) -> list[tuple[str, str, str, int, str]]:
    """Return (region, city, postal prefix, kind index, name) for `count` organizations, names unique.

    The first 17 organizations take one region each, so that every region has at least one.
    """
    rng = build.rng
    regions = list(names.REGION_WEIGHTS)
    weights = list(names.REGION_WEIGHTS.values())
    used: set[str] = set()
    result = []
    for index in range(count):
        region = regions[index] if index < len(regions) else rng.choices(regions, weights)[0]
        city, district, postal = rng.choice(names.DISTRICTS[region])
        kind_index = rng.randrange(len(names.ORGANIZATION_KINDS))
        base = f"{names.ORGANIZATION_KINDS[kind_index][0]} {rng.choice(names.ORGANIZATION_NAMES)} – {district}"
        name, number = base, 1
        while name in used:
            number += 1
            name = f"{base} ({number})"
        used.add(name)
        result.append((region, city, postal, kind_index, name))
    return result


def _postal_code(build: Build, prefix: str) -> str:
    rng = build.rng
    return f"{prefix} {rng.randint(0, 9)}{rng.choice(POSTAL_LETTERS)}{rng.randint(0, 9)}"


def _incorporation_date(build: Build) -> date:
    rng = build.rng
    return date(rng.randint(1975, 2019), rng.randint(1, 12), rng.randint(1, 28))


def create_organizations(build: Build, count: int, joined_before: datetime) -> list[Org]:
    """Create `count` organizations, each with a representative and, for about one in four, a second member."""
    rng = build.rng
    placed = _organization_names(build, count)
    representatives, members = [], {}
    for index in range(count):
        moment = joined_before - timedelta(days=rng.randint(10, 1100), minutes=rng.randint(0, 600))
        representatives.append(_user(build, _email(index, "mandataire"), moment))
        if rng.random() < 0.25:
            members[index] = _user(build, _email(index, "membre"), moment + timedelta(days=rng.randint(1, 60)))
    _insert_users([*representatives, *members.values()])

    legal_forms = [LegalForm.NON_PROFIT] * 17 + [LegalForm.COOPERATIVE, LegalForm.FEDERAL_NON_PROFIT]
    organizations = []
    for index, (region, city, postal, kind_index, name) in enumerate(placed):
        clientele = names.ORGANIZATION_KINDS[kind_index][1]
        joined = representatives[index]["date_joined"]
        organizations.append(
            {
                "name": name,
                "neq": f"{NEQ_PREFIX}{index + 1:07d}",
                "legal_form": rng.choice(legal_forms),
                "region": region,
                "street_address": f"{rng.randint(10, 9999)}, {rng.choice(names.STREETS)}",
                "city": city,
                "postal_code": _postal_code(build, postal),
                "head_office_in_quebec": True,
                "incorporated_on": _incorporation_date(build),
                "mission": f"Offrir des activités de prévention et d’accompagnement {names.AUDIENCES[clientele]}, "
                "et favoriser des milieux de vie sécuritaires et inclusifs.",
                "created_at": joined,
                "updated_at": joined,
            }
        )
    keys = insert(Organization, organizations)
    _insert_memberships(keys, representatives, members)
    return [
        Org(
            pk=keys[index],
            name=organization["name"],
            region=organization["region"],
            city=organization["city"],
            clientele=names.ORGANIZATION_KINDS[placed[index][3]][1],
            representative_id=representatives[index]["pk"],
            representative_name=full_name(representatives[index]),
        )
        for index, organization in enumerate(organizations)
    ]


def _email(index: int, role: str) -> str:
    return f"{role}{index + 1:05d}@{EMAIL_DOMAIN}"


def _insert_memberships(keys: list[int], representatives: list[dict], members: dict[int, dict]) -> None:
    rows = [
        {
            "organization_id": key,
            "user_id": representatives[index]["pk"],
            "is_representative": True,
            "joined_at": representatives[index]["date_joined"],
        }
        for index, key in enumerate(keys)
    ]
    rows += [
        {
            "organization_id": keys[index],
            "user_id": member["pk"],
            "is_representative": False,
            "joined_at": member["date_joined"],
        }
        for index, member in members.items()
    ]
    insert(Membership, rows)
