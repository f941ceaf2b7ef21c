"""Commission lines and totals as the page shows them: product words, rates in %, money as exact text in the
reader's locale with its currency code (a column may mix currencies, so amounts are never turned into floats).

The tables' column names are stable English keys (the tests and the page's `drop(columns=...)` use them);
`show_table` shows each in the reader's language through its column_config label.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pandas as pd
import streamlit as st

from pages.components.frame.labels import BILLING_OPTION_LABELS, label
from pages.components.frame.translate import N_, _, fmt, ngettext
from partner_model import i18n

KIND_LABELS = {"commission": N_("Commission"), "adjustment": N_("Adjustment"), "reversal": N_("Reversal")}
# A correction names the line it adjusts: whole messages, so each language orders the words its own way.
KIND_OF_LINE_LABELS = {"adjustment": N_("Adjustment of line {line}"), "reversal": N_("Reversal of line {line}")}
DIRECTION_LABELS = {"payable": N_("Payable"), "netted": N_("Netted")}
# The column names (English keys, marked here for the catalogue; shown translated by show_table).
COLUMNS = (N_("Week"), N_("Line"), N_("Partner"), N_("Deal"), N_("Company"), N_("Value"), N_("Rate"),
           N_("Commission"), N_("Billing option"), N_("Payable / Netted"), N_("To invoice the partner"),
           N_("Kind"), N_("Currency"), N_("Payable to the partner"), N_("Netted on the partner's invoice"),
           N_("To invoice the partner (via partner)"), N_("Lines"), N_("Payable to you"),
           N_("Netted on your invoices"), N_("Invoiced to you (via partner)"), N_("Confirmation"))
WIDTHS = {"Line": 44, "Deal": 44, "Rate": 64, "Kind": 150, "Payable / Netted": 112}
MONEY_COLUMNS = {"Value", "Commission", "To invoice the partner", "Rate", "Payable to the partner",
                 "Netted on the partner's invoice", "To invoice the partner (via partner)", "Payable to you",
                 "Netted on your invoices", "Invoiced to you (via partner)"}
# Names people typed can be long ("Nordic Industrial Automation Holding Oyj"): rather than cut them, a statement
# whose names would not fit on one line gets rows of three lines, and the grid wraps the text (Streamlit's grid
# wraps only in rows taller than 4rem).
NAME_COLUMNS = ("Company", "Partner")
NAME_CHARS = 26  # about what a name column of its default width shows on one line
WRAP_WIDTH = 220
WRAP_ROW_HEIGHT = 68


def money(amount: Decimal | None, currency: str) -> str:
    """12345.6 EUR -> "EUR 12,345.60" in English, "12 345,60 EUR" in Finnish; no amount -> "—"."""
    return _money_writer(fmt().language, currency)(amount)


def percent(rate: Decimal) -> str:
    """Decimal("0.125") -> "12.5%" in English, "12,5 %" in Finnish (at most two decimals)."""
    return fmt().percent(rate, decimals=2)


@cache
def _money_writer(language: str, currency: str) -> Callable[[Decimal | None], str]:
    """What i18n.Formats(language).money writes, made fast for tables of thousands of amounts: Python groups
    and rounds the digits, the locale's marks and the code's place come from a sample Babel wrote (Babel takes
    some 10 µs an amount). A locale whose samples the fast way does not reproduce keeps Babel's way."""
    formats = i18n.Formats(language)
    symbols = formats.locale.number_symbols["latn"]
    marks = str.maketrans({",": symbols["group"], ".": symbols["decimal"]})

    def babel(amount: Decimal | None) -> str:
        if amount is None or (not isinstance(amount, Decimal) and pd.isna(amount)):
            return "—"
        return formats.money(amount, currency)

    def around(sample: Decimal) -> tuple[str, str] | None:
        written, digits = formats.money(sample, currency), f"{abs(sample):,.2f}".translate(marks)
        return tuple(written.split(digits)) if written.count(digits) == 1 else None  # type: ignore[return-value]

    positive, negative = around(Decimal("1234.50")), around(Decimal("-1234.50"))
    if positive is None or negative is None:
        return babel

    def fast(amount: Decimal | None) -> str:
        if amount is None or (not isinstance(amount, Decimal) and pd.isna(amount)):
            return "—"
        amount = Decimal(amount)
        before, after = negative if amount.is_signed() else positive
        return f"{before}{f'{abs(amount):,.2f}'.translate(marks)}{after}"

    samples = [Decimal(v) for v in ("0.00", "0.5", "7", "-7.25", "999.99", "1000", "-1000000.01", "123456789.12")]
    return fast if all(fast(v) == babel(v) for v in samples) else babel


def money_texts(amounts: list[Decimal | None], currencies: list[str]) -> list[str]:
    """money() of many amounts, the reader's language looked up once."""
    language = fmt().language
    return [_money_writer(language, c)(a) for a, c in zip(amounts, currencies, strict=True)]


def _moneys(lines: pd.DataFrame, column: str) -> list[str]:
    # tolist() first: iterating a pandas (Arrow-backed) column element by element is slow.
    return money_texts(lines[column].tolist(), lines["currency"].tolist())


def _kinds(lines: pd.DataFrame) -> list[str]:
    """"Commission", or "Reversal of line 12": a correction names the line it adjusts."""
    words = {kind: label(KIND_LABELS, kind) for kind in lines["kind"].unique()}
    of_line = {kind: _(text) for kind, text in KIND_OF_LINE_LABELS.items()}

    def kind_of(kind: str, adjusts_line_id: object) -> str:
        if adjusts_line_id is None or pd.isna(adjusts_line_id) or kind not in of_line:
            return words[kind]
        return of_line[kind].format(line=int(adjusts_line_id))  # type: ignore[call-overload]

    return [kind_of(k, a) for k, a in zip(lines["kind"].tolist(), lines["adjusts_line_id"].tolist(), strict=True)]


def _unconfirmed(lines: pd.DataFrame) -> list[bool]:
    return lines["unconfirmed"].tolist() if "unconfirmed" in lines else [False] * len(lines)


def lines_table(lines: pd.DataFrame, *, with_partner: bool = True, with_week: bool = False) -> pd.DataFrame:
    """The lines of commissions.week_lines (or year_to_date) as display text, one row per line.

    Built column by column: a busy week has thousands of lines.
    """
    if lines.empty:
        return pd.DataFrame()
    # Words and rates looked up once per distinct value: a busy week has thousands of lines but a few of each.
    options = {option: label(BILLING_OPTION_LABELS, option) for option in lines["billing_option"].unique()}
    directions = {d: label(DIRECTION_LABELS, d) for d in lines["direction"].unique()}
    rates = {rate: percent(rate) for rate in set(lines["rate"].tolist())}
    not_confirmed = _("Not confirmed")
    columns = {
        "Week": lines["week"].tolist(),
        "Line": lines["line_id"].astype(int).tolist(),
        "Partner": lines["partner_name"].tolist(),
        "Deal": lines["deal_id"].astype(int).tolist(),
        "Company": lines["company_name"].tolist(),
        "Value": _moneys(lines, "value"),
        "Rate": [rates[rate] for rate in lines["rate"].tolist()],
        "Commission": _moneys(lines, "commission"),
        "Billing option": [options[option] for option in lines["billing_option"].tolist()],
        "Payable / Netted": [directions[d] for d in lines["direction"].tolist()],
        "To invoice the partner": _moneys(lines, "partner_invoice"),
        "Kind": _kinds(lines),
        # A won deal its manager has not confirmed yet (won_confirmations); staff filter the week by it.
        "Confirmation": [not_confirmed if u else "" for u in _unconfirmed(lines)],
    }
    # Staff tables need the partner; to stay readable without scrolling they leave the per-line invoice amount
    # to the totals (a partner's own table has room for it).
    drop = {c for c, keep in (("Partner", with_partner), ("Week", with_week), ("Confirmation", with_partner),
                              ("To invoice the partner", not with_partner)) if not keep}
    return pd.DataFrame({c: v for c, v in columns.items() if c not in drop})


def _count(n: int) -> str:
    return fmt().number(n)


def _lines_count(n: int) -> str:
    return ngettext("{count} line", "{count} lines", n).format(count=_count(n))


def _kind_count(kind: str, n: int) -> str:
    if kind == "commission":
        text = ngettext("{count} commission", "{count} commissions", n)
    elif kind == "adjustment":
        text = ngettext("{count} adjustment", "{count} adjustments", n)
    elif kind == "reversal":
        text = ngettext("{count} reversal", "{count} reversals", n)
    else:  # a kind this page does not know yet: its raw name
        return f"{_count(n)} {kind}"
    return text.format(count=_count(n))


def line_counts(lines: pd.DataFrame, per_partner: bool = True) -> str:
    """"4 lines from 2 partners: 2 commissions, 1 reversal, 1 adjustment"."""
    kinds = ", ".join(_kind_count(str(kind), int(n)) for kind, n in lines["kind"].value_counts().items())
    if not per_partner:
        # TRANSLATORS: {lines} is "4 lines", {kinds} a list such as "2 commissions, 1 reversal".
        return _("{lines}: {kinds}").format(lines=_lines_count(len(lines)), kinds=kinds)
    partners = int(lines["partner_id"].nunique())
    # TRANSLATORS: {lines} is "4 lines", {partners} "2 partners", {kinds} a list such as "2 commissions, 1 reversal".
    return _("{lines} from {partners}: {kinds}").format(
        lines=_lines_count(len(lines)), kinds=kinds,
        partners=ngettext("{count} partner", "{count} partners", partners).format(count=_count(partners)))


def totals_table(totals: pd.DataFrame) -> pd.DataFrame:
    """commissions.week_totals per partner and currency: commission payable to the partner, commission netted
    on the partner's invoice, and what to invoice the partner for via-partner deals (value - commission)."""
    return pd.DataFrame({
        "Partner": totals["partner_name"].tolist(),
        "Currency": totals["currency"].tolist(),
        "Payable to the partner": _moneys(totals, "payable"),
        "Netted on the partner's invoice": _moneys(totals, "netted"),
        "To invoice the partner (via partner)": _moneys(totals, "partner_invoice"),
        "Lines": [int(n) for n in totals["lines"].tolist()],
    })


def currency_table(per_currency: pd.DataFrame) -> pd.DataFrame:
    """commission_queries.currency_totals (a week summed over partners, one row per currency) with the headings
    of the whole-week export's "Totals per currency" sheet."""
    return totals_table(per_currency.assign(partner_name="")).drop(columns=["Partner"])


def year_to_date_table(totals: pd.DataFrame) -> pd.DataFrame:
    """A partner's year to date, one compact row per currency: paid to them, netted on their invoices, and what
    they were invoiced for via-partner deals."""
    return pd.DataFrame({
        "Currency": totals["currency"].tolist(),
        "Payable to you": _moneys(totals, "payable"),
        "Netted on your invoices": _moneys(totals, "netted"),
        "Invoiced to you (via partner)": _moneys(totals, "partner_invoice"),
        "Lines": [int(n) for n in totals["lines"].tolist()],
    })


def long_names(table: pd.DataFrame) -> bool:
    """True when a name in the table would not fit on one line of its column."""
    return any(table[c].astype(str).str.len().max() > NAME_CHARS for c in NAME_COLUMNS
               if c in table.columns and not table.empty)


def show_table(table: pd.DataFrame, key: str, *, wrap: bool = False) -> None:
    """A read-only table with the money right-aligned and the column names in the reader's language. With `wrap`
    (statements, a partner's own tables: a few lines each), names too long for one line wrap instead of being cut;
    a staff week of thousands of lines keeps one line a row."""
    wrap = wrap and long_names(table)
    widths = {**WIDTHS, **({c: WRAP_WIDTH for c in NAME_COLUMNS} if wrap else {})}
    # Fixed widths for ids and the kind, so a reversal's "of line N" fits on a laptop screen.
    config = {c: st.column_config.TextColumn(label=_(c), alignment="right", width=widths.get(c)) if c in MONEY_COLUMNS
              else st.column_config.Column(label=_(c), width=widths.get(c)) for c in table.columns}
    st.dataframe(table, hide_index=True, width="stretch", key=key, column_config=config,
                 row_height=WRAP_ROW_HEIGHT if wrap else None)


def week_label(week: str, this_week: str, open_week: str = "", overview: dict[str, object] | None = None) -> str:
    """"Week 47, 2026 (Nov 16 – 22) · this week"; a later week is the open week adjustments land in. With the
    week's `overview` (commission_queries.week_overview: its state and lines) the option also says whether the week
    is open or approved and how many lines it has: "Week 46, 2026 (Nov 9 – 15) · approved · 12 lines"."""
    text = fmt().week(week)
    if week == this_week:
        # TRANSLATORS: {week} is a week in words, "Week 47, 2026 (Nov 16 – 22)"; an option of the week picker.
        text = _("{week} · this week").format(week=text)
    elif week == open_week and week > this_week:
        # TRANSLATORS: {week} is a week in words; the open week ahead, where changes after an approval land.
        text = _("{week} · next open week").format(week=text)
    if overview is None:
        return text
    lines = int(overview.get("lines") or 0)  # type: ignore[call-overload]
    # TRANSLATORS: the state of a week in the week picker: "approved" (locked by finance) or "open" (not yet).
    state = _("approved") if overview.get("state") == "approved" else _("open")
    count = _lines_count(lines) if lines else _("no lines")
    # TRANSLATORS: a week picker option: {week} the week in words, {state} "approved" or "open", {lines} "12 lines".
    return _("{week} · {state} · {lines}").format(week=text, state=state, lines=count)
