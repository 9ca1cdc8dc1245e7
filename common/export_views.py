"""Downloads of the staff lists (common.exports): a file at once for a short list, a job with progress otherwise.

A list the user may not see returns 404, like the list page. A job is visible only to the user who requested
it, and anyone else gets 404.
"""

import logging

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView

from common import exports
from common.files import content_disposition
from common.models import ExportFormat, ExportJob, ExportState

logger = logging.getLogger(__name__)
RECENT_JOBS = 20


def file_download(content: bytes, *, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class ExportView(LoginRequiredMixin, View):
    """Export the list `name` as the user sees it with the filters of the query string."""

    def get(self, request, name: str, file_format: str):
        export = exports.get_export(name)
        if export is None or file_format not in ExportFormat.values:
            raise Http404
        queryset = export.rows(request.user, request.GET)
        if queryset is None:
            raise Http404
        total = queryset.count()
        if total > exports.inline_limit():
            job = exports.request_export_job(
                user=request.user, export=export, file_format=file_format, parameters=request.GET, total=total
            )
            return redirect("common:export_job", pk=job.pk)
        content = exports.build(export, queryset, file_format)
        return file_download(content, file_format=file_format, filename=exports.export_filename(export, file_format))


class OwnJobMixin(LoginRequiredMixin):
    def get_job(self, pk: int) -> ExportJob:
        return get_object_or_404(ExportJob, pk=pk, user=self.request.user)


class ExportJobView(OwnJobMixin, View):
    def get(self, request, pk: int):
        job = self.get_job(pk)
        return render(request, "common/export_job.html", {"job": job, "title": self.title(job)})

    @staticmethod
    def title(job: ExportJob) -> str:
        export = exports.get_export(job.export_name)
        return str(export.title) if export else job.export_name


class ExportJobStatusView(OwnJobMixin, View):
    """The job's progress as JSON, read every few seconds by the job's page."""

    def get(self, request, pk: int):
        job = self.get_job(pk)
        return JsonResponse(
            {
                "state": job.state,
                "label": str(job.get_state_display()),
                "processed": job.processed,
                "total": job.total,
                "percent": job.percent,
            }
        )


class ExportJobDownloadView(OwnJobMixin, View):
    def get(self, request, pk: int):
        job = self.get_job(pk)
        if job.state != ExportState.DONE:
            return redirect("common:export_job", pk=job.pk)
        try:
            with job.file.open("rb") as handle:
                content = handle.read()
        except (FileNotFoundError, ValueError):
            logger.error("Export %s has no stored file %r.", job.pk, job.file.name)
            context = {"filename": job.filename, "reference": job.pk}
            return render(request, "common/file_missing.html", context, status=410)
        return file_download(content, file_format=job.file_format, filename=job.filename)


class ExportJobListView(LoginRequiredMixin, ListView):
    """The user's recent exports, with their state and download links."""

    template_name = "common/export_jobs.html"
    context_object_name = "jobs"

    def get_queryset(self):
        return ExportJob.objects.filter(user=self.request.user)[:RECENT_JOBS]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for job in context["jobs"]:
            job.title = ExportJobView.title(job)
        return context
