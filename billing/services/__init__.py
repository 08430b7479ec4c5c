"""Writes to billing, split by sub-domain: invoices, the yearly run, payments, statements, documents, reminders."""
