from django.urls import path

from grants import views

app_name = "grants"

urlpatterns = [
    path("", views.CallListView.as_view(), name="call_list"),
    path("<slug:code>/", views.CallDetailView.as_view(), name="call_detail"),
]
