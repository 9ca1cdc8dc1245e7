from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from payments.installments import notify_due_installments


class Command(BaseCommand):
    help = (
        "E-mail every finance officer about each installment that became due since the last run. "
        "Safe to run twice: each installment is announced once each time it becomes due."
    )

    def handle(self, *args, **options):
        count = notify_due_installments()
        self.stdout.write(
            ngettext(
                "%(count)d due installment announced to finance.",
                "%(count)d due installments announced to finance.",
                count,
            )
            % {"count": count}
        )
