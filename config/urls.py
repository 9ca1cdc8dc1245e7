from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from grants import views as grants_views

admin.site.site_header = _("Ensemble contre l'intimidation – configuration")
admin.site.site_title = _("Configuration")

urlpatterns = [
    path("", grants_views.HomeView.as_view(), name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("comptes/", include("accounts.urls")),
    path("appels/", include("grants.urls")),
    path("demandes/", include("applications.urls")),
    path("evaluations/", include("reviews.urls")),
    path("conventions/", include("payments.urls")),
    path("prix/", include("awards.urls")),
    path("programme/", include("oversight.urls")),
    path("", include("common.urls")),
]
