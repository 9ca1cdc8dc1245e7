from django.urls import path

from common.notification_views import NotificationListView, NotificationOpenView
from common.views import DocumentDownloadView

app_name = "common"
urlpatterns = [
    path("documents/<int:pk>/telecharger/", DocumentDownloadView.as_view(), name="document_download"),
    path("notifications/", NotificationListView.as_view(), name="notification_list"),
    path("notifications/<int:pk>/ouvrir/", NotificationOpenView.as_view(), name="notification_open"),
]
