from django.urls import path

from oversight.opendata import OpenDataDownloadView, OpenDataView
from oversight.views import ProgramDashboardView

app_name = "oversight"

urlpatterns = [
    path("tableau-de-bord/", ProgramDashboardView.as_view(), name="dashboard"),
    path("donnees-ouvertes/", OpenDataView.as_view(), name="open_data"),
    path(
        "donnees-ouvertes/projets-approuves.<slug:file_format>",
        OpenDataDownloadView.as_view(),
        name="open_data_download",
    ),
]
