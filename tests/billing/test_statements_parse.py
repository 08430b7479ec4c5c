"""Reading bank files: the Zengin formats and CSV, and every way a file can be refused whole."""

import datetime

import pytest
from django.utils import translation

from billing.statements import StatementError, parse_csv, parse_statement, parse_zengin, resolve_yymmdd
from tests.billing.zengin import Account, Entry, end, header, records, trailer, zengin_file

TODAY = datetime.date(2026, 5, 22)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(content: bytes) -> str:
    with pytest.raises(StatementError) as caught:
        parse_statement(content, today=TODAY)
    return caught.value.message


def test_deposit_notification_reads_every_field_of_a_deposit():
    content = zengin_file(
        [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ", inquiry_number=4711, remitter_code="0202600012", edi_info="2026-00012")]
    )
    parsed = parse_statement(content, today=TODAY)
    assert (parsed.file_format, parsed.kind, parsed.created_on) == ("zengin", "01", datetime.date(2026, 5, 21))
    [deposit] = parsed.deposits
    assert deposit.transaction_on == datetime.date(2026, 5, 20)
    assert (deposit.amount, deposit.payer_name, deposit.inquiry_number) == (70000, "ｶ)ﾀﾏｾｲﾐﾂ", "4711")
    assert (deposit.remitter_code, deposit.edi_info, deposit.line_number) == ("0202600012", "2026-00012", 2)
    assert deposit.account is not None and deposit.account.account_number == "1234567"
    assert parsed.account_label == "ﾀﾏｷﾞﾝｺｳ ﾊﾁｵｳｼﾞ 普通 1234567 ｼﾔ)ｸﾗｽﾀｰﾈﾂﾄ"


def test_account_statement_keeps_deposits_and_skips_withdrawals():
    entries = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(3300, "ﾃｽｳﾘﾖｳ", withdrawal=True), Entry(35000, "ｷﾔﾉﾝ(ｶ")]
    parsed = parse_statement(zengin_file(entries, kind="03"), today=TODAY)
    assert parsed.kind == "03"
    assert [(d.amount, d.payer_name) for d in parsed.deposits] == [(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), (35000, "ｷﾔﾉﾝ(ｶ")]
    assert parsed.skipped_withdrawals == 1
    assert parsed.total_amount == 105000


def test_cancelled_notification_is_not_a_deposit_but_counts_for_the_trailer():
    entries = [Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ"), Entry(5000, "ｶ)ﾀﾏｾｲﾐﾂ", cancelled=True)]
    parsed = parse_statement(zengin_file(entries), today=TODAY)
    assert [d.amount for d in parsed.deposits] == [70000]
    assert parsed.skipped_cancellations == 1


@pytest.mark.parametrize("line_breaks", [True, False])
def test_records_with_or_without_line_breaks(line_breaks):
    content = zengin_file([Entry(70000, "ﾀﾏ"), Entry(1000, "ﾋﾉ")], line_breaks=line_breaks)
    assert [d.amount for d in parse_statement(content, today=TODAY).deposits] == [70000, 1000]


def test_lf_only_and_a_trailing_end_of_file_mark_are_accepted():
    content = b"\n".join(records([Entry(70000, "ﾀﾏ")])) + b"\n\x1a"
    assert len(parse_statement(content, today=TODAY).deposits) == 1


def test_several_header_groups_in_one_file():
    first = records([Entry(70000, "ﾀﾏ")])[:-1]
    second = records([Entry(1000, "ﾋﾉ")], account=Account(account_number="7654321"))
    parsed = parse_statement(b"".join(first + second), today=TODAY)
    assert [d.account.account_number for d in parsed.deposits if d.account] == ["1234567", "7654321"]
    assert len(parsed.accounts) == 2


@pytest.mark.parametrize(
    ("text", "near", "expected"),
    [
        ("080520", TODAY, datetime.date(2026, 5, 20)),  # 令和8年
        ("260520", TODAY, datetime.date(2026, 5, 20)),  # Western 2026
        ("071231", datetime.date(2026, 1, 5), datetime.date(2025, 12, 31)),  # 令和7年, across the year end
        ("310430", datetime.date(2019, 5, 7), datetime.date(2019, 4, 30)),  # 平成31年, the era's last day
        ("010501", datetime.date(2019, 5, 7), datetime.date(2019, 5, 1)),  # 令和元年
        ("081340", TODAY, None),
        ("08A520", TODAY, None),
    ],
)
def test_two_digit_years_resolve_to_the_reading_nearest_the_file(text, near, expected):
    assert resolve_yymmdd(text, near=near) == expected


def test_western_two_digit_years_in_the_whole_file():
    parsed = parse_statement(zengin_file([Entry(70000, "ﾀﾏ")], western=True), today=TODAY)
    assert parsed.deposits[0].transaction_on == datetime.date(2026, 5, 20)


def _with_record(content_records: list[bytes], index: int, start: int, value: bytes) -> bytes:
    changed = list(content_records)
    raw = changed[index]
    changed[index] = raw[:start] + value + raw[start + len(value) :]
    return b"\r\n".join(changed) + b"\r\n"


def test_trailer_total_mismatch_rejects_the_file_naming_the_record():
    parts = records([Entry(70000, "ﾀﾏ"), Entry(1000, "ﾋﾉ")])
    message = refusal(_with_record(parts, 3, 7, b"000000071001"))
    assert "trailer record 4" in message
    assert "71,001" in message and "71,000" in message


def test_trailer_count_mismatch_rejects_the_file():
    parts = records([Entry(70000, "ﾀﾏ"), Entry(1000, "ﾋﾉ")], kind="03")
    assert "number of deposits" in refusal(_with_record(parts, 3, 1, b"000003"))


def test_withdrawals_must_agree_with_the_trailer_too():
    parts = records([Entry(70000, "ﾀﾏ"), Entry(500, "ﾃｽｳﾘﾖｳ", withdrawal=True)], kind="03")
    assert "total of withdrawals" in refusal(_with_record(parts, 3, 26, b"0000000000600"))


def test_truncated_file_without_line_breaks():
    content = zengin_file([Entry(70000, "ﾀﾏ")], line_breaks=False)
    message = refusal(content[:-50])
    assert message == "The file ends in the middle of record 4 (150 of 200 bytes): it is truncated."


def test_file_cut_after_a_data_record_has_no_trailer():
    content = b"".join(records([Entry(70000, "ﾀﾏ"), Entry(1000, "ﾋﾉ")])[:3])
    assert "has no trailer record (8)" in refusal(content)


def test_missing_end_record():
    content = b"".join(records([Entry(70000, "ﾀﾏ")])[:-1])
    assert refusal(content) == "The file has no end record (9): it is truncated or incomplete."


def test_record_of_the_wrong_length():
    parts = records([Entry(70000, "ﾀﾏ")])
    parts[1] = parts[1][:-3]
    assert refusal(b"\r\n".join(parts)) == "Record 2 is 197 bytes long; Zengin records are 200 bytes."


def test_unknown_record_type():
    parts = records([Entry(70000, "ﾀﾏ")])
    parts[1] = b"5" + parts[1][1:]
    assert "Record 2 is of type 5" in refusal(b"".join(parts))


def test_records_after_the_end_record():
    parts = records([Entry(70000, "ﾀﾏ")])
    assert refusal(b"".join([*parts, end()])) == "Record 5 follows the end record (9)."


def test_a_utf8_file_is_refused_as_such():
    content = zengin_file([Entry(70000, "ｶ)ﾀﾏｾｲﾐﾂ")]).decode("cp932").encode("utf-8")
    assert "UTF-8" in refusal(content)
    assert "UTF-8" in refusal(b"\xef\xbb\xbf" + zengin_file([Entry(70000, "TAMA")]))


def test_bytes_that_are_not_cp932_name_the_record():
    parts = records([Entry(70000, "ﾀﾏ")])
    bad = _with_record(parts, 1, 49, b"\x81\x20")  # a lead byte followed by a byte no character has
    assert refusal(bad) == "Record 2 contains bytes that are not Shift_JIS (cp932) text."


def test_amount_that_is_not_a_number():
    parts = records([Entry(70000, "ﾀﾏ")])
    assert refusal(_with_record(parts, 1, 19, b"00007O000")) == "Record 2: the amount is not a number."


def test_bad_date_names_the_record():
    parts = records([Entry(70000, "ﾀﾏ")])
    assert refusal(_with_record(parts, 1, 7, b"081340")) == "Record 2: the booking date 081340 is not a date."


def test_other_zengin_types_are_refused():
    transfer_request = header("21", TODAY)  # 総合振込: an outgoing transfer request, not a statement
    message = refusal(b"\r\n".join([transfer_request, trailer("01", []), end()]))
    assert "type 21" in message


def test_empty_file():
    with pytest.raises(StatementError, match="empty"):
        parse_zengin(b"   ")


# -- CSV --------------------------------------------------------------------------------------------------


def test_csv_with_header_bom_commas_and_both_date_forms():
    content = '\ufeff日付,金額,振込依頼人\n2026/11/20,"70,000",ｶ)ﾀﾏｾｲﾐﾂ\n2026-11-21,35000,株式会社日野製作所\n'
    parsed = parse_csv(content.encode("utf-8"))
    assert parsed.file_format == "csv"
    assert [(d.transaction_on, d.amount, d.payer_name, d.line_number) for d in parsed.deposits] == [
        (datetime.date(2026, 11, 20), 70000, "ｶ)ﾀﾏｾｲﾐﾂ", 2),
        (datetime.date(2026, 11, 21), 35000, "株式会社日野製作所", 3),
    ]


def test_csv_without_header_in_cp932():
    content = "2026/11/20,70000,ｶ)ﾀﾏｾｲﾐﾂ\r\n".encode("cp932")
    assert parse_statement(content).deposits[0].payer_name == "ｶ)ﾀﾏｾｲﾐﾂ"


def test_csv_bad_rows_reject_the_file_listing_row_numbers():
    content = (
        "date,amount,payer\n2026/11/20,70000,ﾀﾏ\n2026/13/01,1000,ﾋﾉ\n2026/11/20,-500,ﾋﾉ\n"
        "2026/11/20,0,ﾋﾉ\n2026/11/20,abc,ﾋﾉ\n2026/11/20,100\n2026/11/20,100,\n"
    )
    with pytest.raises(StatementError) as caught:
        parse_csv(content.encode())
    message = caught.value.message
    assert message.startswith("The file was not imported.")
    for expected in (
        "Row 3: 2026/13/01 is not a date",
        "Row 4: the amount -500 is negative",
        "Row 5: the amount is zero.",
        "Row 6: abc is not an amount in yen.",
        "Row 7: expected three columns",
        "Row 8: the payer name is missing.",
    ):
        assert expected in message
    assert "Row 2" not in message


def test_csv_in_neither_encoding():
    with pytest.raises(StatementError, match="neither UTF-8 nor Shift_JIS"):
        parse_csv(b"2026/11/20,70000,\x82\xff\x80")


def test_csv_with_only_a_header():
    with pytest.raises(StatementError, match="no deposits"):
        parse_csv(b"date,amount,payer\n")
