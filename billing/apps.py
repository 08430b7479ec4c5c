from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Invoices and payments")

    def ready(self) -> None:
        from billing.timeline import billing_timeline_entries
        from members.timeline import register_timeline_source

        register_timeline_source(billing_timeline_entries)
