"""Pagination of « My review assignments »: 50 rows per page by due date, and the same query count per page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewAssignment
from tests.applications.factories import ApplicationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("reviews:my_assignments")


def add_assignments(reviewer, officer, count: int) -> list[ReviewAssignment]:
    """Create `count` assignments straight in the table, due in `count` days down to 1 day."""
    today = timezone.localdate()
    return ReviewAssignment.objects.bulk_create(
        ReviewAssignment(
            application=ApplicationFactory(),
            reviewer=reviewer,
            due_on=today + timedelta(days=count - index),
            assigned_by=officer,
        )
        for index in range(count)
    )


def test_first_page_has_fifty_earliest(client, reviewer, officer):
    assignments = add_assignments(reviewer, officer, 51)
    by_due_date = sorted(assignments, key=lambda assignment: (assignment.due_on, assignment.pk))
    client.force_login(reviewer)

    first_page = client.get(URL)
    second_page = client.get(URL, {"page": 2})

    assert [row.pk for row in first_page.context["assignments"]] == [row.pk for row in by_due_date[:50]]
    assert [row.pk for row in second_page.context["assignments"]] == [by_due_date[50].pk]
    assert "page=2" in first_page.content.decode()


def test_other_reviewer_rows_not_listed(client, reviewer, officer):
    add_assignments(UserFactory(roles=["reviewer"]), officer, 2)
    mine = add_assignments(reviewer, officer, 1)
    client.force_login(reviewer)
    assert list(client.get(URL).context["assignments"]) == mine


def query_count(client, url, params=None) -> int:
    client.get(url, params)  # fills the per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


def test_query_count_same_for_one_and_three_rows(client, reviewer, officer):
    add_assignments(reviewer, officer, 1)
    client.force_login(reviewer)
    one_row = query_count(client, URL)
    add_assignments(reviewer, officer, 2)
    assert query_count(client, URL) == one_row


def test_query_count_same_on_second_page(client, reviewer, officer):
    add_assignments(reviewer, officer, 51)
    client.force_login(reviewer)
    assert query_count(client, URL, {"page": 2}) == query_count(client, URL)
