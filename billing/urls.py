from django.urls import path

from billing.views import documents, invoices, payments, reports, runs, statements

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
    path("invoices/<int:invoice_id>/pdf/", documents.invoice_pdf, name="invoice-pdf"),
    path("invoices/<int:invoice_id>/receipt.pdf", documents.invoice_receipt, name="invoice-receipt"),
    path("invoices/<int:invoice_id>/resend/", documents.invoice_resend, name="invoice-resend"),
    path("runs/<int:run_id>/pdfs.zip", documents.invoice_run_zip, name="invoice-run-zip"),
    # payments and statements
    path("payments/", payments.payment_list, name="payment-list"),
    path("payments/new/", payments.payment_create, name="payment-create"),
    path("payments/<int:payment_id>/", payments.payment_detail, name="payment-detail"),
    path("payments/<int:payment_id>/allocate/", payments.payment_allocate, name="payment-allocate"),
    path("payments/<int:payment_id>/accept-short/", payments.payment_accept_short, name="payment-accept-short"),
    path("statements/", statements.bank_statement_upload, name="bank-statement-upload"),
    path("statements/<int:statement_id>/", statements.bank_statement_detail, name="bank-statement-detail"),
    path("reconciliation/", statements.reconciliation_queue, name="reconciliation-queue"),
    path("deposits/<int:line_id>/match/", statements.deposit_match, name="deposit-match"),
    path("deposits/<int:line_id>/ignore/", statements.deposit_ignore, name="deposit-ignore"),
    # reminders, reports and settings
    path("reminders/", reports.payment_reminder_list, name="payment-reminder-list"),
    path("reports/", reports.billing_report, name="billing-report"),
    path("reports/<str:fiscal_year>/", reports.billing_report, name="billing-report"),
    path("reports/<str:fiscal_year>/export/", reports.billing_report_export, name="billing-report-export"),
    path("settings/", reports.billing_settings_edit, name="billing-settings"),
    path("audit/", reports.billing_audit, name="billing-audit"),
]
