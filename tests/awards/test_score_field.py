"""A saved round 1 score is shown the way a juror types it."""

from decimal import Decimal

from django.utils import translation

from awards.forms_jury import ScoreField


def test_saved_score_shown_with_comma_in_french():
    with translation.override("fr"):
        assert ScoreField().prepare_value(Decimal("7.50")) == "7,5"
        assert ScoreField().prepare_value(Decimal("9.00")) == "9"


def test_saved_score_shown_with_point_in_english():
    with translation.override("en"):
        assert ScoreField().prepare_value(Decimal("7.50")) == "7.5"


def test_typed_comma_is_read():
    assert ScoreField().clean("7,5") == Decimal("7.5")
