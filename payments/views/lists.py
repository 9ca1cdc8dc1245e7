"""Work in progress."""

from django.urls import path
from django.views.generic import View

urlpatterns = [path("versements/", View.as_view(), name="finance_queue")]
