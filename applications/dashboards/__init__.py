"""Dashboard panels of the applications app, one module per audience."""

from applications.dashboards import organization, staff  # noqa: F401 - importing registers the panels
