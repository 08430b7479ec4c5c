"""Import of the secretariat's member list at scale: the time to import a `scale`-row CSV.

Generates a deterministic CSV (UTF-8 with BOM, the template's Japanese headers) of plausible
organisations: firms with valid corporate numbers, universities, municipalities, banks and support
bodies keyed by an import key, each with a contact. Then times, in the database in use and inside one
transaction that is rolled back at the end (so nothing is left behind):

- preview: parse the file and check every row against the register (what the preview page shows);
- apply: write it (organisations, history, memberships, transitions, contacts);
- re-import: parse, check and apply the same file again (every row unchanged, nothing written);
- the staff pages over HTTP in-process: upload (parse + cache) and the first preview page.

Runnable through benchmarks/run.py (`--only import`).
"""

import csv
import io
import random
import time
from collections.abc import Callable
from typing import Any

PLACES = [
    ("多摩", "タマ"), ("八王子", "ハチオウジ"), ("相模原", "サガミハラ"), ("町田", "マチダ"), ("日野", "ヒノ"),
    ("立川", "タチカワ"), ("府中", "フチュウ"), ("調布", "チョウフ"), ("青梅", "オウメ"), ("厚木", "アツギ"),
    ("川崎", "カワサキ"), ("横浜", "ヨコハマ"), ("大和", "ヤマト"), ("昭島", "アキシマ"), ("国立", "クニタチ"),
]  # fmt: skip
FIRM_WORDS = [
    ("精密", "セイミツ"), ("電機", "デンキ"), ("工業", "コウギョウ"), ("製作所", "セイサクショ"),
    ("技研", "ギケン"), ("化成", "カセイ"), ("電子", "デンシ"), ("光学", "コウガク"), ("金属", "キンゾク"),
]  # fmt: skip
CITIES = [
    ("東京都", "八王子市"), ("東京都", "立川市"), ("東京都", "府中市"), ("東京都", "青梅市"),
    ("神奈川県", "相模原市中央区"), ("神奈川県", "厚木市"), ("埼玉県", "所沢市"), ("東京都", "日野市"),
]  # fmt: skip
INDUSTRIES = ["金属加工", "電子部品", "精密機械", "ソフトウェア", "光学機器", "樹脂成形", "計測機器", "医療機器"]
OTHER_KINDS = [
    ("大学・研究機関", "大学", "ダイガク"),
    ("自治体・商工会議所", "商工会議所", "ショウコウカイギショ"),
    ("金融機関", "信用金庫", "シンヨウキンコ"),
    ("支援機関", "産業振興センター", "サンギョウシンコウセンター"),
]
STATUSES = ["有効"] * 8 + ["申込", "休会"]
HEADERS = [
    "名称", "フリガナ", "種別", "法人番号", "取込キー", "郵便番号", "都道府県", "市区町村", "住所", "資本金",
    "従業員数", "業種", "設立年", "ウェブサイト", "会員状態", "入会日", "担当者名", "担当者カナ", "担当者メール",
    "担当者電話",
]  # fmt: skip
# Far from the numbers the test factories use, so a benchmark never collides with a test's rows.
CORPORATE_NUMBER_BASE = 880_000_000_000


def member_list_csv(scale: int, *, seed: int = 20240401) -> bytes:
    from members.validators import corporate_number_check_digit

    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for i in range(scale):
        place, place_kana = rng.choice(PLACES)
        prefecture, city = rng.choice(CITIES)
        joined = f"{rng.randint(2001, 2024)}/{rng.randint(1, 12)}/1"
        contact = [f"担当 {i}", f"ﾀﾝﾄｳ {i}", f"contact{i}@member{i}.example.jp", f"042-{i % 1000:03d}-{i % 10000:04d}"]
        if i % 10 < 8:
            word, word_kana = rng.choice(FIRM_WORDS)
            base = f"{CORPORATE_NUMBER_BASE + i:012d}"
            number = f"{corporate_number_check_digit(base)}{base}"
            capital = f"{rng.choice([10, 30, 50, 100, 300, 1000, 5000]) * 1_000_000:,}"
            row = [
                f"株式会社{place}{word}{i}", f"{place_kana}{word_kana}{i}", "企業", number, "",
                f"{190 + i % 10:03d}-{i % 10000:04d}", prefecture, city, f"{i % 9 + 1}-{i % 30 + 1}-{i % 20 + 1}",
                capital, str(rng.randint(5, 800)), rng.choice(INDUSTRIES), str(rng.randint(1950, 2020)),
                f"https://www.member{i}.example.jp/", rng.choice(STATUSES), joined, *contact,
            ]  # fmt: skip
        else:
            kind, suffix, suffix_kana = rng.choice(OTHER_KINDS)
            row = [
                f"{place}{suffix}{i}", f"{place_kana}{suffix_kana}{i}", kind, "", f"M-{i:06d}", "", prefecture,
                city, "", "", "", "", "", "", "有効", joined, *contact,
            ]  # fmt: skip
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def run(scale: int = 10_000) -> list[tuple[str, float, str]]:
    from django.db import transaction
    from django.test import Client
    from django.urls import reverse

    from members.imports import import_counts, import_file_parse, import_rows_check, organization_import_apply
    from members.models import Organization, Role, User

    content = member_list_csv(scale)
    label = f"import {scale:,}-row CSV"
    figures: list[tuple[str, float, str]] = []
    with transaction.atomic():
        actor = User.objects.create(username="bench-import", role=Role.SECRETARIAT)

        def preview() -> list[Any]:
            return import_rows_check(import_file_parse(content, filename="members.csv"))

        seconds, rows = _timed(preview)
        counts = import_counts(rows)
        if counts["error"] or counts["create"] != scale:
            raise RuntimeError(f"unexpected preview of the generated file: {counts}")
        figures.append((f"{label}: preview (parse + check)", seconds, "s"))

        seconds, result = _timed(lambda: organization_import_apply(actor=actor, rows=rows, source="members.csv"))
        if result.created != scale or Organization.history.filter(history_user=actor).count() != scale:
            raise RuntimeError(f"unexpected import result: {result}")
        figures.append((f"{label}: apply", seconds, "s"))

        def reimport() -> Any:
            return organization_import_apply(actor=actor, rows=preview(), source="members.csv")

        seconds, result = _timed(reimport)
        if result.unchanged != scale:
            raise RuntimeError(f"re-import changed something: {result}")
        figures.append((f"{label}: re-import, all unchanged (preview + apply)", seconds, "s"))

        # The staff pages in-process, through the whole middleware stack.
        client = Client()
        client.force_login(actor, backend="members.backends.UsernameOrEmailBackend")
        upload = io.BytesIO(content)
        upload.name = "members.csv"
        seconds, response = _timed(lambda: client.post(reverse("organization-import"), {"file": upload}))
        if response.status_code != 302:
            raise RuntimeError(f"upload failed with HTTP {response.status_code}")
        figures.append((f"{label}: upload page (parse + store)", seconds, "s"))
        seconds, page = _timed(lambda: client.get(response["Location"]))
        if page.status_code != 200:
            raise RuntimeError(f"preview page failed with HTTP {page.status_code}")
        figures.append((f"{label}: preview page (check + first 1,000 rows)", seconds, "s"))
        client.post(response["Location"] + "cancel/")
        transaction.set_rollback(True)
    return figures
