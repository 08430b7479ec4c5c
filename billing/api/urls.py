from django.urls import path

from billing.api import invoices, runs

urlpatterns = [
    # invoices and runs
    # documents
    # payments and statements
    # reminders, reports and settings
]
