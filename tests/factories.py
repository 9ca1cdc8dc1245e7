from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Membership, Organization, User
from grants.models import Call, CallState, Criterion, Envelope, Program, ProgramRules


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.qc.ca")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Lavoie{n}")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("un-mot-de-passe-solide")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role))


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisme communautaire {n}")
    neq = factory.Sequence(lambda n: f"114{n:07d}")
    legal_form = "non_profit"
    region = "06"
    street_address = "1000, rue Sherbrooke Est"
    city = "Montréal"
    postal_code = "H2L 1L3"
    incorporated_on = date(2010, 1, 15)
    mission = "Prévenir l'intimidation dans les milieux de vie des jeunes."


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    is_representative = False


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program
        django_get_or_create = ["code"]

    code = "ensemble-contre-intimidation"
    name_fr = "Programme de soutien financier « Ensemble contre l'intimidation »"
    name_en = "Together Against Bullying program"
    summary_fr = "Soutenir des projets qui préviennent et contrent l'intimidation."
    ministry = "Ministère de la Famille"


class ProgramRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramRules

    program = factory.SubFactory(ProgramFactory)
    version = factory.Sequence(lambda n: n + 1)
    label = "Normes de test"
    effective_from = date(2021, 4, 1)
    max_per_project_year = Decimal("50000.00")
    max_total = Decimal("150000.00")
    min_duration_months = 12
    max_duration_months = 36
    subcontracting_cap_percent = Decimal("25")
    administration_cap_percent = Decimal("10")
    project_management_cap_percent = Decimal("10")
    holdback_percent = Decimal("10")
    eligible_legal_forms = ["non_profit"]


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call
        skip_postgeneration_save = True

    program = factory.SubFactory(ProgramFactory)
    rules = factory.SubFactory(ProgramRulesFactory, program=factory.SelfAttribute("..program"))
    code = factory.Sequence(lambda n: f"ECI-T{n}")
    title_fr = factory.Sequence(lambda n: f"Appel de projets {n}")
    title_en = factory.Sequence(lambda n: f"Call for projects {n}")
    description_fr = "Un appel de projets pour prévenir l'intimidation."
    state = CallState.PUBLISHED
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))

    @factory.post_generation
    def with_rubric(self, create, extracted, **kwargs):
        if extracted is False:
            return
        Envelope.objects.create(call=self, fiscal_year="2027-2028", amount=Decimal("600000.00"))
        for position, (name, weight) in enumerate([("Pertinence", 40), ("Retombées", 35), ("Réalisme", 25)]):
            Criterion.objects.create(
                call=self, position=position, name_fr=name, weight=Decimal(weight), maximum=Decimal(10)
            )
