"""Work in progress."""

from django.urls import path
from django.views.generic import View

urlpatterns = [path("<int:pk>/", View.as_view(), name="agreement")]
