"""Prize editions, categories, jurors and nominations with plain, complete defaults."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.models import Category, JuryMembership, Nomination, PrizeCriterion, PrizeEdition
from tests.factories import ProgramFactory, UserFactory

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def pdf_upload(name: str = "lettre-appui.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


class PrizeEditionFactory(factory.django.DjangoModelFactory):
    """A draft edition whose nomination window is open now; categories come from the services or factories."""

    class Meta:
        model = PrizeEdition

    program = factory.SubFactory(ProgramFactory)
    year = factory.Sequence(lambda n: 2030 + n)
    title_fr = factory.LazyAttribute(lambda edition: f"Prix Ensemble contre l'intimidation {edition.year}")
    title_en = factory.LazyAttribute(lambda edition: f"Together Against Bullying Award {edition.year}")
    nominations_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    nominations_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    edition = factory.SubFactory(PrizeEditionFactory)
    code = factory.Sequence(lambda n: f"categorie-{n}")
    name_fr = factory.Sequence(lambda n: f"Catégorie {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    finalists_count = 3


class PrizeCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrizeCriterion

    category = factory.SubFactory(CategoryFactory)
    position = factory.Sequence(lambda n: n)
    name_fr = "Rayonnement"
    weight = Decimal("30")
    maximum = Decimal("10")


class JuryMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMembership

    edition = factory.SubFactory(PrizeEditionFactory)
    juror = factory.SubFactory(UserFactory, roles=["jury_member"])
    is_president = False


class NominationFactory(factory.django.DjangoModelFactory):
    """A draft with every field a submission needs, except the support letter (see tests.awards.conftest)."""

    class Meta:
        model = Nomination

    edition = factory.SubFactory(PrizeEditionFactory)
    category = factory.LazyAttribute(lambda nomination: nomination.edition.categories.order_by("position").first())
    nominator = factory.SubFactory(UserFactory)
    nominee_name = factory.Sequence(lambda n: f"Alexis Tremblay {n}")
    nominee_email = factory.Sequence(lambda n: f"candidat{n}@exemple.qc.ca")
    nominee_phone = "514 555-0199"
    region = "06"
    nominator_relationship = "Collègue"
    actions = "Ateliers de prévention de l'intimidation dans trois écoles secondaires."
    reach = "Près de 900 élèves et 60 membres du personnel ont participé."
    people_reached = 960
