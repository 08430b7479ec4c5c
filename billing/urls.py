from django.urls import path

from billing.views import invoices, runs

urlpatterns = [
    path("", invoices.invoice_list, name="invoice-list"),
    # runs
    # documents
    # payments and statements
    # reminders, reports and settings
]
