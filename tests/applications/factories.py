"""Applications in each state, with complete and valid content unless a test asks otherwise."""

from datetime import date
from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from applications.models import Application, Attachment, BudgetLine, Phase, RequestedAmount, Revenue
from grants.models import Clientele, DocumentType, ExpenseCategory, RequiredDocument
from tests.factories import CallFactory, MembershipFactory

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
REQUIRED_DOCUMENTS = ["board-resolution", "letters-patent", "annual-report", "financial-statements"]


def ensure_call_setup(call) -> None:
    """Give a factory call the program's taxonomies and required documents, as load_program does."""
    for position, (code, name) in enumerate([("youth", "Jeunes"), ("school", "Milieux scolaires")]):
        clientele, _created = Clientele.objects.get_or_create(
            code=code, defaults={"name_fr": name, "position": position}
        )
        call.clienteles.add(clientele)
    categories = [
        ("salaries", "Salaires et avantages sociaux", False, False),
        ("fees-subcontracting", "Honoraires professionnels et sous-traitance", True, False),
        ("materials", "Matériel et fournitures", False, False),
        ("administration", "Frais d’administration", False, True),
    ]
    for position, (code, name, subcontracting, administration) in enumerate(categories):
        category, _created = ExpenseCategory.objects.get_or_create(
            code=code,
            defaults={
                "name_fr": name,
                "position": position,
                "is_subcontracting": subcontracting,
                "is_administration": administration,
            },
        )
        call.expense_categories.add(category)
    for position, code in enumerate([*REQUIRED_DOCUMENTS, "support-letter"]):
        document_type, _created = DocumentType.objects.get_or_create(
            code=code, defaults={"name_fr": code.replace("-", " ").capitalize(), "position": position}
        )
        RequiredDocument.objects.get_or_create(
            call=call,
            document_type=document_type,
            defaults={"is_required": code != "support-letter", "max_files": 5 if code == "support-letter" else 1},
        )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft with no content; use `complete_application` to fill it in."""

    class Meta:
        model = Application

    call = factory.SubFactory(CallFactory)
    organization = factory.LazyAttribute(lambda o: MembershipFactory(is_representative=True).organization)
    created_by = factory.LazyAttribute(lambda o: o.organization.memberships.first().user)


def complete_application(application: Application, *, years: int = 3) -> Application:
    """Fill every section with valid content: `years` project years of 40 000 $ requested and a balanced budget."""
    call = application.call
    ensure_call_setup(call)
    Application.objects.filter(pk=application.pk).update(
        title="Brigades de pairs aidants contre la cyberintimidation",
        summary="Former des élèves de 3e secondaire comme pairs aidants.",
        objectives="Réduire la cyberintimidation dans trois écoles secondaires.",
        expected_impacts="Plus de signalements, moins de victimisation répétée.",
        approach="Ateliers, accompagnement hebdomadaire, campagne de sensibilisation par les pairs.",
        knowledge_base="Programmes de pairs aidants évalués au Québec et en Ontario.",
        help_resources="Référence vers Tel-jeunes, la ligne Aide Abus Aînés et les CLSC.",
        regions=["06"],
        reach="regional",
        starts_on=date(2027, 7, 1),
        ends_on=date(2027 + years, 6, 30),
        subcontracting_amount=Decimal("5000.00"),
    )
    application.refresh_from_db()
    from django.utils import timezone

    Application.objects.filter(pk=application.pk).update(organization_confirmed_at=timezone.now())
    application.clienteles.set(call.clienteles.all())
    Phase.objects.create(
        application=application,
        title="Recrutement et formation",
        starts_on=application.starts_on,
        ends_on=date(2027, 12, 31),
    )
    salaries = ExpenseCategory.objects.get(code="salaries")
    materials = ExpenseCategory.objects.get(code="materials")
    for year in range(1, years + 1):
        BudgetLine.objects.create(
            application=application, project_year=year, category=salaries, amount=Decimal("42000")
        )
        BudgetLine.objects.create(
            application=application, project_year=year, category=materials, amount=Decimal("3000")
        )
        RequestedAmount.objects.create(application=application, project_year=year, amount=Decimal("40000"))
        Revenue.objects.create(
            application=application,
            kind="own",
            source="Contribution de l’organisme",
            project_year=year,
            amount=Decimal("5000"),
        )
    for code in REQUIRED_DOCUMENTS:
        Attachment.objects.create(
            application=application,
            document_type=DocumentType.objects.get(code=code),
            file=ContentFile(PDF_BYTES, name=f"{code}.pdf"),
            filename=f"{code}.pdf",
            content_type="application/pdf",
            size=len(PDF_BYTES),
            sha256="0" * 64,
            uploaded_by=application.created_by,
        )
    application.refresh_from_db()
    return application
