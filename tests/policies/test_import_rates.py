"""Exchange rates as data: imported from CSV, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from policies.models import ExchangeRate

pytestmark = pytest.mark.django_db


def write(tmp_path, text: str):
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_rates_are_imported_and_replaced(tmp_path, capsys):
    call_command(
        "import_rates", write(tmp_path, "date,currency,units_per_usd\n2026-11-20,EUR,0.925\n2026-11-20,jpy,151.37\n")
    )
    call_command("import_rates", write(tmp_path, "date,currency,units_per_usd\n2026-11-20,EUR,0.93\n"), source="ecb")
    assert "0 rates added, 1 replaced." in capsys.readouterr().out
    rates = {r.currency: r for r in ExchangeRate.objects.filter(date=date(2026, 11, 20))}
    assert rates["EUR"].units_per_usd == Decimal("0.93") and rates["EUR"].source == "ecb"
    assert rates["JPY"].units_per_usd == Decimal("151.37")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("2026-11-20,EUR,-1", "positive"),
        ("2026-11-20,EUR,0", "positive"),
        ("2026-13-20,EUR,0.9", "YYYY-MM-DD"),
        ("2026-11-20,XYZ,0.9", "Unknown currency"),
        ("2026-11-20,USD,1", "base currency"),
        ("2026-11-20,EUR,abc", "decimal number"),
    ],
)
def test_a_bad_row_imports_nothing(tmp_path, line, problem):
    text = f"date,currency,units_per_usd\n2026-11-20,GBP,0.79\n{line}\n"
    with pytest.raises(CommandError, match=problem) as caught:
        call_command("import_rates", write(tmp_path, text))
    assert "Row 2" in str(caught.value)
    assert not ExchangeRate.objects.exists()


def test_the_columns_are_checked(tmp_path):
    with pytest.raises(CommandError, match="Columns needed"):
        call_command("import_rates", write(tmp_path, "day,code,rate\n2026-11-20,EUR,0.9\n"))
