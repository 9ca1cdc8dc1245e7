"""The approval letter, the refusal letter and the scorecard, rendered in French."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from common.documents import generate_document
from reviews import decisions
from reviews.models import Score
from tests.factories import UserFactory
from tests.reviews.test_decisions import make_call, recommended_file

pytestmark = pytest.mark.django_db


def text_of(document) -> str:
    """Return the PDF text with every no-break space turned into an ordinary one."""
    with document.file.open("rb") as handle:
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]
    return " ".join(" ".join(pages).replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.fixture
def decision_maker():
    return UserFactory(roles=["decision_maker"], first_name="Hélène", last_name="Tremblay")


def test_approval_letter_lists_amounts(decision_maker):
    application = recommended_file(make_call())
    decisions.approve_application(
        application=application, actor=decision_maker, amounts={1: Decimal("40000"), 2: Decimal("25000")}
    )

    document = generate_document(owner=application, kind="reviews.approval_letter", actor=decision_maker)

    text = text_of(document)
    assert document.language == "fr"
    assert document.filename.startswith("Lettre d’octroi")
    assert "40 000,00 $" in text
    assert "25 000,00 $" in text
    assert "65 000,00 $" in text  # the total
    assert "2027-2028" in text
    assert "2028-2029" in text
    assert "Année 1" in text
    assert "convention" in text
    assert "Hélène Tremblay" in text


def test_refusal_letter_gives_reason(decision_maker):
    application = recommended_file(make_call())
    decisions.decline_application(
        application=application, actor=decision_maker, reason="Le projet ne cible pas les clientèles prioritaires."
    )

    document = generate_document(owner=application, kind="reviews.refusal_letter", actor=decision_maker)

    text = text_of(document)
    assert document.filename.startswith("Lettre de refus")
    assert "Le projet ne cible pas les clientèles prioritaires." in text
    assert "Motif" in text


def test_scorecard_anonymises_reviewers():
    application = recommended_file(make_call())  # two submitted reviews: 80 and 70
    criteria = list(application.call.criteria.order_by("position"))
    reviews = [assignment.review for assignment in application.review_assignments.order_by("pk")]
    for review, value in zip(reviews, ("8", "7"), strict=True):
        review.overall_comment = f"Commentaire de l’évaluation notée {value}."
        review.save(update_fields=["overall_comment"])
        for criterion in criteria:
            Score.objects.create(review=review, criterion=criterion, value=Decimal(value), comment="Bien appuyé.")

    document = generate_document(owner=application, kind="reviews.scorecard")

    text = text_of(document)
    assert "Évaluation 1" in text
    assert "Évaluation 2" in text
    for review in reviews:
        assert review.assignment.reviewer.last_name not in text
        assert review.assignment.reviewer.email not in text
    assert "Pertinence" in text
    assert "Retombées" in text
    assert "Commentaire de l’évaluation notée 8." in text
    assert "75,00" in text  # mean and median
    assert "10,00" in text  # spread


def test_letter_without_decision_rejected():
    application = recommended_file(make_call())

    with pytest.raises(ValueError, match="no approved decision"):
        generate_document(owner=application, kind="reviews.approval_letter")
