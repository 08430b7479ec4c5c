from django.urls import path

from billing.views import invoices, runs

urlpatterns = [
    path("", invoices.invoice_list, name="invoice-list"),
    path("invoices/new/", invoices.invoice_create, name="invoice-create"),
    path("invoices/<int:invoice_id>/", invoices.invoice_detail, name="invoice-detail"),
    path("invoices/<int:invoice_id>/issue/", invoices.invoice_issue, name="invoice-issue"),
    path("invoices/<int:invoice_id>/void/", invoices.invoice_void, name="invoice-void"),
    path("invoices/<int:invoice_id>/credit/", invoices.invoice_credit, name="invoice-credit"),
    path("invoices/<int:invoice_id>/correct/", invoices.invoice_correct, name="invoice-correct"),
    path("runs/", runs.invoice_run_list, name="invoice-run-list"),
    path("runs/preview/", runs.invoice_run_preview, name="invoice-run-preview"),
    path("runs/start/", runs.invoice_run_create, name="invoice-run-create"),
    path("runs/<int:run_id>/", runs.invoice_run_detail, name="invoice-run-detail"),
    # documents
    # payments and statements
    # reminders, reports and settings
]
