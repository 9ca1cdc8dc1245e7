"""Demo people and organizations for `make run`: one login per role, all with the same password."""

from datetime import date

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, Role, User
from accounts.services import accept_invitation, create_organization, invite_member

DEMO_PASSWORD = "demo-intimidation-2026"  # noqa: S105 - printed on purpose for local demos

# (e-mail, first name, last name, role or None, admin site access, what the role is for)
DEMO_USERS = [
    ("mandataire@demo.qc.ca", "Julie", "Tremblay", None, False, "applicant (representative)"),
    ("membre@demo.qc.ca", "Marc-André", "Gagnon", None, False, "applicant (member)"),
    ("conseillere@demo.qc.ca", "Sophie", "Côté", Role.PROGRAM_OFFICER, False, "program officer"),
    ("evaluateur@demo.qc.ca", "Karim", "Benali", Role.REVIEWER, False, "reviewer"),
    ("comite@demo.qc.ca", "Isabelle", "Roy", Role.COMMITTEE_MEMBER, False, "committee member"),
    ("decision@demo.qc.ca", "François", "Bélanger", Role.DECISION_MAKER, False, "decision maker"),
    ("finances@demo.qc.ca", "Nathalie", "Pelletier", Role.FINANCE_OFFICER, False, "finance officer"),
    # Approving an installment and recording its payment need two different finance officers.
    ("finances2@demo.qc.ca", "Mathieu", "Fournier", Role.FINANCE_OFFICER, False, "second finance officer"),
    ("gestionnaire@demo.qc.ca", "Hélène", "Lavoie", Role.PROGRAM_MANAGER, True, "program manager (admin site)"),
    ("jury@demo.qc.ca", "Ève", "Bouchard", Role.JURY_MEMBER, False, "jury president"),
    # A prize jury has 4 to 5 members. jury@ presides over the juries of the demo prize editions.
    ("jury2@demo.qc.ca", "Louis", "Thibodeau", Role.JURY_MEMBER, False, "jury member"),
    ("jury3@demo.qc.ca", "Amina", "Diallo", Role.JURY_MEMBER, False, "jury member"),
    ("jury4@demo.qc.ca", "Catherine", "Ouellet", Role.JURY_MEMBER, False, "jury member"),
    ("jury5@demo.qc.ca", "Patrick", "Gagné", Role.JURY_MEMBER, False, "jury member"),
    ("proposeur@demo.qc.ca", "Olivier", "Morin", None, False, "nominator"),
]

DEMO_ORGANIZATIONS = [
    {
        "name": "Carrefour jeunesse Rosemont",
        "neq": "1141234567",
        "legal_form": "non_profit",
        "region": "06",
        "street_address": "5350, rue Lafond",
        "city": "Montréal",
        "postal_code": "H1X 2X2",
        "incorporated_on": date(2009, 5, 12),
        "mission": "Accompagner les jeunes de 12 à 25 ans du quartier dans leur parcours scolaire, social et "
        "professionnel, et leur offrir des milieux de vie sécuritaires et inclusifs.",
        "members": ["mandataire@demo.qc.ca", "membre@demo.qc.ca"],
    },
    {
        "name": "Alliance arc-en-ciel de Québec",
        "neq": "1149876543",
        "legal_form": "non_profit",
        "region": "03",
        "street_address": "180, rue Saint-Vallier Est",
        "city": "Québec",
        "postal_code": "G1K 3N8",
        "incorporated_on": date(2014, 9, 3),
        "mission": "Soutenir les personnes de la diversité sexuelle et de genre de la région de la Capitale-Nationale "
        "et lutter contre l'homophobie et la transphobie.",
        "members": [],
    },
]


def load_demo() -> list[tuple[str, str]]:
    """Create the demo users and organizations unless they exist; return (e-mail, role description) pairs."""
    now = timezone.now()
    logins = []
    with transaction.atomic():
        users = {}
        for email, first_name, last_name, role, admin_access, description in DEMO_USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    first_name=first_name,
                    last_name=last_name,
                    email_verified_at=now,
                    is_staff=admin_access,
                )
                if role:
                    user.groups.add(Group.objects.get(name=role))
            users[email] = user
            logins.append((email, description))
        for data in DEMO_ORGANIZATIONS:
            data = dict(data)
            members = data.pop("members")
            if Organization.objects.filter(neq=data["neq"]).exists():
                continue
            if not members:
                Organization.objects.create(**data)
                continue
            # Through the services, so that the demo history reads like a real one.
            organization = create_organization(actor=users[members[0]], **data)
            for email in members[1:]:
                invitation = invite_member(organization=organization, actor=users[members[0]], email=email)
                accept_invitation(invitation=invitation, user=users[email])
    return logins
