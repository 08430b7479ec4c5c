"""Below the UI and the services: PostgreSQL itself refuses to change what an issued invoice says.

Only the status, the paid and credited amounts, the stored PDF and the mailing time may move after issue;
lines of an issued invoice cannot be added, changed or removed, and an issued invoice cannot be deleted.
(SQLite, used only for the local demo, relies on the services' checks.)
"""

from django.db import migrations

FROZEN_COLUMNS = [
    "organization_id", "document_type", "kind", "fiscal_year", "reference", "replaces_id", "credit_note_for_id",
    "number", "sequence", "issued_on", "due_on", "recipient_name", "recipient_department",
    "recipient_postal_code", "recipient_address", "recipient_honorific", "issuer_name", "issuer_postal_code",
    "issuer_address", "issuer_phone", "registration_number", "bank_account", "subtotal", "tax_total", "total",
    "tax_summary", "fee_tier_id", "fee_basis", "note",
]  # fmt: skip

CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN_COLUMNS)

CREATE = f"""
CREATE FUNCTION billing_invoice_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'invoice % has been issued and cannot be deleted', OLD.number;
    END IF;
    IF NEW.status = 'draft' OR {CHANGED} THEN
        RAISE EXCEPTION 'invoice % has been issued and cannot be changed', OLD.number;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoice_frozen BEFORE UPDATE OR DELETE ON billing_invoice
    FOR EACH ROW WHEN (OLD.status <> 'draft') EXECUTE FUNCTION billing_invoice_frozen();

CREATE FUNCTION billing_invoiceline_frozen() RETURNS trigger AS $$
DECLARE
    invoice_status text;
BEGIN
    SELECT status INTO invoice_status FROM billing_invoice
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.invoice_id ELSE NEW.invoice_id END;
    IF invoice_status IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'the lines of an issued invoice cannot be changed';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.invoice_id IS DISTINCT FROM OLD.invoice_id THEN
        SELECT status INTO invoice_status FROM billing_invoice WHERE id = OLD.invoice_id;
        IF invoice_status IS DISTINCT FROM 'draft' THEN
            RAISE EXCEPTION 'the lines of an issued invoice cannot be changed';
        END IF;
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_invoiceline_frozen BEFORE INSERT OR UPDATE OR DELETE ON billing_invoiceline
    FOR EACH ROW EXECUTE FUNCTION billing_invoiceline_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS billing_invoiceline_frozen ON billing_invoiceline;
DROP FUNCTION IF EXISTS billing_invoiceline_frozen();
DROP TRIGGER IF EXISTS billing_invoice_frozen ON billing_invoice;
DROP FUNCTION IF EXISTS billing_invoice_frozen();
"""


def create_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_triggers(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
