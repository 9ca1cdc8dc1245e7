from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The program-wide view: dashboard, open data, and the data set and benchmark at scale.

    It reads every other app and no app imports it, so it sits at the end of the dependency chain.
    """

    name = "oversight"
    verbose_name = _("Program oversight")
