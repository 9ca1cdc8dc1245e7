from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.generic import ListView, TemplateView

from grants import selectors
from grants.models import Program


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **kwargs,
            program=Program.objects.order_by("pk").first(),
            open_calls=selectors.open_calls(),
        )


class CallListView(ListView):
    template_name = "grants/call_list.html"
    context_object_name = "calls"
    paginate_by = 50

    def get_queryset(self):
        return selectors.call_list(self.request.user)


class CallDetailView(TemplateView):
    template_name = "grants/call_detail.html"

    def get_context_data(self, **kwargs):
        call = get_object_or_404(selectors.call_detail(self.request.user, self.kwargs["code"]))
        if not self.request.user.has_perm("grants.view_call", call):
            raise Http404
        return super().get_context_data(**kwargs, call=call, rules=call.rules)
