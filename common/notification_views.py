from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView

from common.models import Notification
from common.notifications import mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "common/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return (
            Notification.objects.filter(recipient=self.request.user)
            .select_related("recipient")
            .order_by("-created_at", "-pk")
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one of the user's notifications as read and follow its link."""

    def post(self, request, pk):
        notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
        mark_read(notification=notification)
        if notification.link and url_has_allowed_host_and_scheme(notification.link, allowed_hosts={request.get_host()}):
            return redirect(notification.link)
        return redirect("common:notification_list")
