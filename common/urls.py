from django.urls import path

from common import export_views
from common.notification_views import NotificationListView, NotificationOpenView
from common.views import DocumentDownloadView

app_name = "common"
urlpatterns = [
    path("documents/<int:pk>/telecharger/", DocumentDownloadView.as_view(), name="document_download"),
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/ouvrir/", NotificationOpenView.as_view(), name="notification_open"),
    path("exportations/", export_views.ExportJobListView.as_view(), name="export_jobs"),
    path("exportations/<int:pk>/", export_views.ExportJobView.as_view(), name="export_job"),
    path("exportations/<int:pk>/etat/", export_views.ExportJobStatusView.as_view(), name="export_job_status"),
    path("exportations/<int:pk>/telecharger/", export_views.ExportJobDownloadView.as_view(), name="export_download"),
    path("exportations/<slug:name>.<slug:file_format>", export_views.ExportView.as_view(), name="export"),
]
