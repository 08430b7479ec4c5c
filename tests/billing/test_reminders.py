"""The daily payment reminders: each step at most once per invoice, none once paid, none twice from two runs."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.models import PaymentReminder
from billing.reminders import invoice_reminders, payment_reminder_list
from billing.services import reminders
from billing.services.invoices import billing_settings_update, credit_note_issue
from billing.services.reminders import payment_reminders_send
from billing.tasks import payment_reminders_send_task
from tests.billing.payments_helper import pay
from tests.factories import ContactFactory, OrganizationFactory, invoice_issued

DUE = datetime.date(2026, 10, 1)


def day(offset: int) -> datetime.date:
    return DUE + datetime.timedelta(days=offset)


def overdue_invoice(amount: int = 70_000, *, email: str | None = None, contact: bool = True, tag: str = ""):
    organization = OrganizationFactory()
    if contact:
        ContactFactory(
            organization=organization, is_billing_contact=True, email=email or f"billing{organization.pk}@example.jp"
        )
    return invoice_issued(organization, amount, due_on=DUE, tag=tag)


@pytest.fixture
def settings_with_bank():
    return billing_settings_update(
        actor=None,
        data={
            "issuer_name": "一般社団法人 多摩産業クラスター協会",
            "issuer_phone": "042-000-0000",
            "bank_account": "多摩信用金庫 本店 普通 1234567 ｲﾂﾊﾟﾝｼﾔﾀﾞﾝﾎｳｼﾞﾝ ﾀﾏｻﾝｷﾞﾖｳｸﾗｽﾀ-ｷﾖｳｶｲ",
            "reminder_steps": [14, 30],
        },
    )


pytestmark = pytest.mark.usefixtures("settings_with_bank")


@pytest.mark.django_db
def test_reminders_go_out_at_14_and_30_days_after_the_due_date_once_each():
    invoice = overdue_invoice()

    assert payment_reminders_send(today=day(13)) == 0
    assert payment_reminders_send(today=day(14)) == 1
    assert payment_reminders_send(today=day(20)) == 0
    assert payment_reminders_send(today=day(30)) == 1
    assert payment_reminders_send(today=day(60)) == 0

    rows = list(invoice_reminders(invoice))
    assert [r.step_days for r in rows] == [14, 30]
    assert all(r.sent_at is not None for r in rows)
    assert rows[0].recipients == f"billing{invoice.organization_id}@example.jp"
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_second_run_the_same_day_sends_nothing():
    for _ in range(3):
        overdue_invoice()

    assert payment_reminders_send(today=day(15)) == 3
    assert payment_reminders_send(today=day(15)) == 0
    assert len(mail.outbox) == 3
    assert PaymentReminder.objects.count() == 3


@pytest.mark.django_db
def test_the_mail_is_in_japanese_with_number_balance_due_date_and_bank_account():
    invoice = overdue_invoice(70_000, email="keiri@tama-seimitsu.example.jp")
    pay(invoice, 20_000)

    payment_reminders_send(today=day(14))

    (message,) = mail.outbox
    assert message.to == ["keiri@tama-seimitsu.example.jp"]
    assert message.subject == f"【お支払いのお願い】請求書 {invoice.number}"
    assert f"請求書番号：{invoice.number}" in message.body
    assert "ご請求残高：50,000円" in message.body  # what is left after the partial payment
    assert "お支払期限：2026年10月1日" in message.body
    assert "お支払期限から14日が経過しました" in message.body
    assert "多摩信用金庫 本店 普通 1234567" in message.body
    assert f"{invoice.recipient_name} 御中" in message.body
    assert "一般社団法人 多摩産業クラスター協会" in message.body


@pytest.mark.django_db
def test_a_paid_invoice_gets_no_reminder():
    invoice = overdue_invoice(70_000)
    pay(invoice, 70_000)

    assert payment_reminders_send(today=day(31)) == 0
    assert not PaymentReminder.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_payment_after_the_first_reminder_stops_the_next_one():
    invoice = overdue_invoice(70_000)
    assert payment_reminders_send(today=day(14)) == 1
    pay(invoice, 70_000)

    assert payment_reminders_send(today=day(30)) == 0
    assert [r.step_days for r in invoice_reminders(invoice)] == [14]


@pytest.mark.django_db
def test_a_fully_credited_invoice_and_its_credit_note_get_no_reminder():
    invoice = overdue_invoice(70_000)
    credit_note_issue(actor=None, invoice=invoice, reason="二重請求")

    assert payment_reminders_send(today=day(40)) == 0
    assert not PaymentReminder.objects.exists()


@pytest.mark.django_db
def test_a_late_first_run_sends_only_the_latest_due_step():
    invoice = overdue_invoice()

    assert payment_reminders_send(today=day(45)) == 1
    assert payment_reminders_send(today=day(46)) == 0

    # The 14-day step was skipped for good: no row, so no late mail for it either.
    assert [r.step_days for r in invoice_reminders(invoice)] == [30]
    assert "お支払期限から45日が経過しました" in mail.outbox[0].body  # the days actually past


@pytest.mark.django_db
def test_without_a_billing_address_the_reminder_waits_until_one_is_recorded():
    invoice = overdue_invoice(contact=False)

    assert payment_reminders_send(today=day(14)) == 0
    (pending,) = invoice_reminders(invoice)
    assert pending.sent_at is None and pending.recipients == ""

    ContactFactory(organization=invoice.organization, is_billing_contact=True, email="new@example.jp")
    assert payment_reminders_send(today=day(15)) == 1
    pending.refresh_from_db()
    assert pending.sent_at is not None and pending.recipients == "new@example.jp"


@pytest.mark.django_db
def test_steps_come_from_the_billing_settings():
    billing_settings_update(actor=None, data={"reminder_steps": [7]})
    invoice = overdue_invoice()

    assert payment_reminders_send(today=day(7)) == 1
    assert payment_reminders_send(today=day(40)) == 0
    assert [r.step_days for r in invoice_reminders(invoice)] == [7]


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_number_of_invoices():
    def queries_for(count: int) -> int:
        for _ in range(count):
            overdue_invoice()
        with CaptureQueriesContext(connection) as captured:
            assert payment_reminders_send(today=day(14)) == count
        return len(captured.captured_queries)

    assert queries_for(2) == queries_for(12)


class FailsForOneAddress(EmailBackend):
    def send_messages(self, messages):
        if any("broken@" in address for message in messages for address in message.to):
            raise ConnectionRefusedError("mail server refused")
        return super().send_messages(messages)


@pytest.mark.django_db
def test_a_mail_error_keeps_what_was_sent_and_the_rest_goes_out_on_the_retry(settings):
    settings.EMAIL_BACKEND = "tests.billing.test_reminders.FailsForOneAddress"
    first = overdue_invoice(email="ok@example.jp")
    broken = overdue_invoice(email="broken@example.jp")
    overdue_invoice(email="later@example.jp")

    with pytest.raises(ConnectionRefusedError):
        payment_reminders_send(today=day(14))
    assert [m.to for m in mail.outbox] == [["ok@example.jp"]]
    assert invoice_reminders(first).get().sent_at is not None

    broken.organization.contacts.update(email="fixed@example.jp")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert payment_reminders_send(today=day(14)) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["fixed@example.jp", "later@example.jp", "ok@example.jp"]


@pytest.mark.django_db
def test_the_task_runs_the_job():
    overdue_invoice()
    assert payment_reminders_send_task.delay().get() == 1


@pytest.mark.django_db
def test_the_job_is_scheduled_daily_at_nine_tokyo_time():
    from clusternet.celery import app

    entry = app.conf.beat_schedule["payment-reminders-daily"]
    assert entry["task"] == payment_reminders_send_task.name
    assert entry["schedule"].hour == {9} and entry["schedule"].minute == {0}
    assert str(app.conf.timezone) == "Asia/Tokyo"


@pytest.mark.django_db
def test_staff_list_shows_reminders_newest_first(users):
    older, newer = overdue_invoice(), overdue_invoice()
    payment_reminders_send(today=day(14))
    pay(newer, 70_000)
    payment_reminders_send(today=day(30))  # only `older` is still open

    rows = list(payment_reminder_list(viewer=users["secretariat"]))
    assert (rows[0].invoice_id, rows[0].step_days) == (older.pk, 30)
    assert len(rows) == 3
    assert not payment_reminder_list(viewer=users["coordinator"]).exists()
    assert not payment_reminder_list(viewer=users["member"]).exists()


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once(monkeypatch):
    # Small batches, so that the two runs interleave over many batches instead of one taking everything.
    monkeypatch.setattr(reminders, "BATCH_SIZE", 3)
    billing_settings_update(actor=None, data={"reminder_steps": [14, 30]})
    invoices = [overdue_invoice() for _ in range(30)]
    start = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait(timeout=30)
            results.append(payment_reminders_send(today=day(14)))
        except BaseException as exc:  # surfaced in the main thread's assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(results) == len(invoices)
    assert len(mail.outbox) == len(invoices)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"billing{i.organization_id}@example.jp" for i in invoices)
    assert PaymentReminder.objects.filter(sent_at__isnull=False).count() == len(invoices)


# Beat closes the database connection as it starts, which only a transactional test survives.
@pytest.mark.django_db(transaction=True)
def test_beat_stores_the_schedule_in_the_database_at_nine_tokyo_time():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from clusternet.celery import app

    DatabaseScheduler(app=app).setup_schedule()

    task = PeriodicTask.objects.select_related("crontab").get(name="payment-reminders-daily")
    assert task.task == "billing.tasks.payment_reminders_send_task"
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "9", "*")
    assert str(task.crontab.timezone) == "Asia/Tokyo"
