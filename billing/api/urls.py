from django.urls import path

from billing.api import documents, invoices, payments, reports, runs, statements

urlpatterns = [
    path("invoices/", invoices.InvoiceListApi.as_view(), name="api-invoice-list"),
    path("invoices/<int:invoice_id>/", invoices.InvoiceDetailApi.as_view(), name="api-invoice-detail"),
    path(
        "invoices/<int:invoice_id>/credit-notes/", invoices.CreditNoteCreateApi.as_view(), name="api-credit-note-create"
    ),
    path("billing/runs/", runs.InvoiceRunListApi.as_view(), name="api-invoice-run-list"),
    path("billing/runs/preview/", runs.InvoiceRunPreviewApi.as_view(), name="api-invoice-run-preview"),
    path("billing/runs/<int:run_id>/", runs.InvoiceRunDetailApi.as_view(), name="api-invoice-run-detail"),
    # documents
    path("invoices/<int:invoice_id>/pdf/", documents.InvoicePdfApi.as_view(), name="api-invoice-pdf"),
    path("invoices/<int:invoice_id>/receipt/", documents.InvoiceReceiptApi.as_view(), name="api-invoice-receipt"),
    path("invoices/<int:invoice_id>/resend/", documents.InvoiceResendApi.as_view(), name="api-invoice-resend"),
    path("billing/runs/<int:run_id>/pdfs.zip", documents.InvoiceRunZipApi.as_view(), name="api-invoice-run-zip"),
    # payments and statements
    path("payments/", payments.PaymentListApi.as_view(), name="api-payment-list"),
    path("payments/<int:payment_id>/", payments.PaymentDetailApi.as_view(), name="api-payment-detail"),
    path(
        "payments/<int:payment_id>/allocations/",
        payments.PaymentAllocationsApi.as_view(),
        name="api-payment-allocations",
    ),
    path("bank-statements/", statements.BankStatementListApi.as_view(), name="api-bank-statement-list"),
    path(
        "bank-statements/<int:statement_id>/",
        statements.BankStatementDetailApi.as_view(),
        name="api-bank-statement-detail",
    ),
    path("deposits/", statements.DepositListApi.as_view(), name="api-deposit-list"),
    path("deposits/<int:line_id>/match/", statements.DepositMatchApi.as_view(), name="api-deposit-match"),
    path("deposits/<int:line_id>/ignore/", statements.DepositIgnoreApi.as_view(), name="api-deposit-ignore"),
    # reminders, reports and settings
    path("billing/reports/<str:fiscal_year>/", reports.BillingReportApi.as_view(), name="api-billing-report"),
    path("billing/settings/", reports.BillingSettingsApi.as_view(), name="api-billing-settings"),
]
