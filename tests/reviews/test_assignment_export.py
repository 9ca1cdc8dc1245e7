"""The reviewer's export of their assignments contains their own files only, never a conflicted one."""

import csv
import io

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import ConflictKind
from tests.reviews.conftest import assign, make_under_review

pytestmark = pytest.mark.django_db


def exported_references(client, user) -> list[str]:
    client.force_login(user)
    response = client.get(reverse("common:export", args=["affectations", "csv"]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    return [row[0] for row in rows[1:]]


def test_reviewer_exports_only_their_assignments(client, officer, reviewer, other_reviewer, under_review):
    theirs = make_under_review(officer)
    assign(under_review, reviewer, officer)
    assign(theirs, other_reviewer, officer)

    assert exported_references(client, reviewer) == [under_review.reference]


def test_conflicted_file_is_left_out_of_the_export(client, officer, reviewer, under_review):
    conflicted = make_under_review(officer)
    assign(under_review, reviewer, officer)
    services.declare_conflict(
        assignment=assign(conflicted, reviewer, officer), actor=reviewer, has_conflict=True, kind=ConflictKind.EMPLOYEE
    )

    references = exported_references(client, reviewer)

    assert references == [under_review.reference]
    assert conflicted.title not in " ".join(references)


def test_user_without_assignment_exports_an_empty_list(client, representative):
    assert exported_references(client, representative) == []
