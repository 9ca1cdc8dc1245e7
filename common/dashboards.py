"""Dashboard panels contributed by each app, so that the dashboard page imports no app.

An app adds panels in its own `dashboards.py` with `@register_panel(order=…)`. A panel function takes the
user and returns a `Panel`, or None when it has nothing for that user.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)


_panels: list[tuple[int, Callable]] = []
_discovered = False


def register_panel(*, order: int):
    def decorator(function):
        _panels.append((order, function))
        _panels.sort(key=lambda item: item[0])
        return function

    return decorator


def panels_for(user) -> list[Panel]:
    global _discovered
    if not _discovered:
        autodiscover_modules("dashboards")
        _discovered = True
    return [panel for _order, function in _panels if (panel := function(user)) is not None]
