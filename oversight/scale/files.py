"""Insert the planned applications with their sections, documents, screening and history."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from applications.demo import demo_pdf
from applications.models import (
    Application,
    ApplicationState,
    Attachment,
    BudgetLine,
    InformationRequest,
    Phase,
    RequestedAmount,
    Revenue,
    ScreeningAnswer,
)
from common.text import search_key
from grants.models import DocumentType
from oversight.scale.base import Build, insert
from oversight.scale.plans import FilePlan

# Share of the files that attach the optional letter of support.
SUPPORT_LETTER_SHARE = 0.5


def store_placeholders(build: Build) -> None:
    """Store one small PDF per kind of document; every attachment of that kind points to it.

    NOTE: the files are shared, so deleting one attachment deletes the stored file of all the others of its
    kind, whose downloads then show the « file missing » page (410). For that reason drafts, which allow
    deletion, have no attachments, and no information request reopens the documents section.
    """
    for document_type in DocumentType.objects.all():
        content = demo_pdf(
            title=document_type.name_fr,
            lines=["Document d’essai du jeu de données à grande échelle : il n’a aucune valeur officielle."],
        )
        name = store_placeholder(f"applications/scale/{document_type.code}.pdf", content)
        digest = hashlib.sha256(content).hexdigest()
        build.placeholder_files[document_type.pk] = (name, len(content), digest, f"{document_type.name_fr}.pdf")


def store_placeholder(name: str, content: bytes) -> str:
    """Store `content` under `name` and return the stored name, reusing the file a previous build stored there."""
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as stored:
            if stored.read() == content:
                return name
    return default_storage.save(name, ContentFile(content))


def insert_files(build: Build, plans: list[FilePlan]) -> None:
    keys = insert(Application, (_application(plan) for plan in plans))
    for key, plan in zip(keys, plans, strict=True):
        plan.pk = key
    taxonomy = build.taxonomy
    insert(
        Application.clienteles.through,
        (
            {"application_id": plan.pk, "clientele_id": taxonomy.clienteles[code]}
            for plan in plans
            for code in plan.clienteles
        ),
    )
    insert(
        Phase,
        (
            dict(application_id=plan.pk, position=position, title=title, starts_on=first, ends_on=last, activities=text)
            for plan in plans
            for position, (title, first, last, text) in enumerate(plan.phases)
        ),
    )
    _insert_budgets(build, plans)
    _insert_attachments(build, [plan for plan in plans if plan.submitted_at])
    _insert_screening(plans)
    for plan in plans:
        for event in plan.events:
            build.history.record(
                Application,
                plan.pk,
                event.code,
                event.source,
                event.target,
                actor_id=event.actor_id,
                at=event.at,
                reason=event.reason,
            )


def _application(plan: FilePlan) -> dict:
    incomplete = plan.state == ApplicationState.INCOMPLETE
    reason, details = plan.inadmissibility
    return dict(
        call_id=plan.call.call.pk,
        organization_id=plan.org.pk,
        state=plan.state,
        reference=plan.reference,
        sequence=plan.sequence,
        title=plan.title,
        summary=plan.texts.get("summary", ""),
        objectives=plan.texts.get("objectives", ""),
        expected_impacts=plan.texts.get("expected_impacts", ""),
        approach=plan.texts.get("approach", ""),
        knowledge_base=plan.texts.get("knowledge_base", ""),
        help_resources=plan.texts.get("help_resources", ""),
        organization_confirmed_at=plan.confirmed_at,
        regions=plan.regions,
        reach=plan.reach,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        subcontracting_amount=plan.subcontracting,
        created_by_id=plan.representative_id,
        created_at=plan.created_at,
        updated_at=plan.updated_at,
        submitted_at=plan.submitted_at,
        submitted_by_id=plan.representative_id if plan.submitted_at else None,
        officer_id=plan.officer_id,
        reopened_sections=plan.information_request[1] if incomplete else [],
        inadmissibility_reason=reason,
        inadmissibility_details=details,
        withdrawal_reason=plan.withdrawal_reason,
        # The same key as applications.services._refresh_search_text.
        search_text=search_key(f"{plan.title} {plan.org.name}"),
    )


def _insert_budgets(build: Build, plans: list[FilePlan]) -> None:
    categories = build.taxonomy.categories
    insert(
        BudgetLine,
        (
            {"application_id": plan.pk, "project_year": year, "category_id": categories[code], "amount": amount}
            for plan in plans
            for (year, code), amount in sorted(plan.expenses.items())
        ),
    )
    insert(
        RequestedAmount,
        (
            {"application_id": plan.pk, "project_year": year, "amount": amount}
            for plan in plans
            for year, amount in sorted(plan.requested.items())
        ),
    )
    insert(
        Revenue,
        (
            dict(
                application_id=plan.pk,
                kind=kind,
                source=source,
                project_year=year,
                amount=amount,
                is_confirmed=confirmed,
            )
            for plan in plans
            for kind, source, year, amount, confirmed in plan.revenues
        ),
    )


def _insert_attachments(build: Build, plans: list[FilePlan]) -> None:
    rng, clock = build.rng, build.clock
    rows = []
    for plan in plans:
        for document_type_id, required in plan.call.documents:
            if not required and rng.random() >= SUPPORT_LETTER_SHARE:
                continue
            name, size, digest, filename = build.placeholder_files[document_type_id]
            rows.append(
                dict(
                    application_id=plan.pk,
                    document_type_id=document_type_id,
                    file=name,
                    filename=filename,
                    content_type="application/pdf",
                    size=size,
                    sha256=digest,
                    uploaded_by_id=plan.representative_id,
                    uploaded_at=clock.between(plan.created_at, plan.submitted_at - timedelta(minutes=1)),
                )
            )
    insert(Attachment, rows)


def _insert_screening(plans: list[FilePlan]) -> None:
    answers, requests = [], []
    for plan in plans:
        questions = plan.call.questions
        for index, answer, comment in plan.answers:
            answers.append(
                dict(
                    application_id=plan.pk,
                    question_id=questions[index].pk,
                    answer=answer,
                    comment=comment,
                    answered_by_id=plan.officer_id,
                    answered_at=plan.answered_at,
                )
            )
        if plan.information_request:
            requested_at, sections, items, respond_by, answered_at = plan.information_request
            requests.append(
                dict(
                    application_id=plan.pk,
                    sections=sections,
                    items=items,
                    respond_by=respond_by,
                    requested_by_id=plan.officer_id,
                    requested_at=requested_at,
                    answered_at=answered_at,
                )
            )
    insert(ScreeningAnswer, answers)
    insert(InformationRequest, requests)
