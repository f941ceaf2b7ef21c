"""The payouts page (issue 18): finance sees the approved week's payouts, confirms, pays and downloads the bank
file and the accounting export; a partner admin sees their own payouts paid."""

from __future__ import annotations

import os
from xml.etree import ElementTree

import pytest
from pages_helpers import all_text

from partner_model import clock, commissions, partners, payout_queries, rules, users


@pytest.fixture
def approved(world):  # type: ignore[no-untyped-def]
    """The world's won deal's week approved by finance: Acme has one draft payout of 2,000.00 EUR."""
    with world.session() as s:
        finance = users.get_user(s, world.user_ids["finance"])
        commissions.approve_week(s, finance, rules.iso_week(clock.today()))
        return int(payout_queries.list_payouts(s, finance).iloc[0].id)




def _table(at, column: str = "Week"):  # type: ignore[no-untyped-def]
    """The first table with `column` ("Week": the payouts list; "To": a payout's history), or None."""
    return next((d.value for d in at.dataframe if column in d.value.columns), None)


def _open(app, role):  # type: ignore[no-untyped-def]
    at = app(role).switch_page("pages/payouts.py").run()
    assert not at.exception
    return at


def _bank(world) -> None:  # type: ignore[no-untyped-def]
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        partners.update_billing_info(s, admin, world.acme_id, iban="FI2112345600000785", bic="NDEAFIHH")


def test_finance_confirms_pays_and_the_partner_admin_sees_it_paid(app, world, approved):
    at = _open(app, "finance")
    table = _table(at)
    assert table["Partner"].tolist() == ["Acme Consulting"] and table["Due"].tolist() == ["EUR\u00a02,000.00"]
    assert [m.label for m in at.metric] == ["Draft · EUR"]
    at.selectbox(key="payouts_pick").select(approved).run()
    at.button(key="payout_confirm").click().run()
    assert not at.exception
    assert "no IBAN" in at.error[0].value  # refused with the reason; still a draft
    _bank(world)
    at.button(key="payout_confirm").click().run()
    assert at.success[0].value == f"Payout #{approved} is ready for the bank."
    at.text_input(key=f"payout_reference_{approved}").input("NDEA 2026-12-01 0042")
    at.button(key="payout_paid").click().run()
    assert not at.exception
    assert at.success[0].value == f"Payout #{approved} is paid."
    history = _table(at, "To")
    assert history["To"].tolist() == ["Draft", "Ready", "Paid"] and set(history["Who"]) == {"Finance"}

    mine = _open(app, "partner_admin")
    shown = _table(mine)
    assert shown["State"].tolist() == ["Paid"] and shown["Bank reference"].tolist() == ["NDEA 2026-12-01 0042"]
    assert "Partner" not in shown.columns
    assert "Bank file" not in all_text(mine)
    beta = _open(app, "beta_admin")
    assert _table(beta) is None and "No payouts match" in all_text(beta)


def test_the_home_inbox_link_opens_the_ready_payouts(app, world, approved):
    _bank(world)
    with world.session() as s:
        from partner_model import payouts

        payouts.confirm_payout(s, users.get_user(s, world.user_ids["finance"]), approved)
    at = app("finance")
    at.query_params["state"] = "ready"
    at = at.switch_page("pages/payouts.py").run()
    assert at.selectbox(key="payouts_state").value == "ready"
    assert _table(at)["State"].tolist() == ["Ready"]


def test_finance_makes_a_sepa_file_that_pays_the_ready_payout(app, world, approved, downloads, monkeypatch):
    monkeypatch.setenv("VENDOR_NAME", "Compliance Cloud Oy")
    monkeypatch.setenv("VENDOR_IBAN", "DE89370400440532013000")
    _bank(world)
    at = _open(app, "finance")
    at.button(key="payouts_make_sepa").click().run()
    assert "There is no ready payout in euros" in at.error[0].value
    at.selectbox(key="payouts_pick").select(approved).run()
    at.button(key="payout_confirm").click().run()
    at.button(key="payouts_make_sepa").click().run()
    assert not at.exception
    assert at.success[-1].value == "1 payout, EUR\u00a02,000.00 in total, is in the file."
    xml = downloads(at, "payouts_sepa_download")
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
    tree = ElementTree.fromstring(xml)
    assert tree.findtext(".//p:EndToEndId", namespaces=ns).startswith(f"PAYOUT-{approved}-")
    assert tree.findtext(".//p:InstdAmt", namespaces=ns) == "2000.00"
    csv = downloads(at, "payouts_csv").decode("utf-8-sig")
    assert "Acme Consulting" in csv and "2000.00" in csv
    assert os.environ["VENDOR_NAME"] == "Compliance Cloud Oy"


def test_a_partner_user_cannot_open_payouts(app, world):
    at = app("partner_user").switch_page("pages/payouts.py").run()
    assert not at.exception
    assert _table(at) is None and any("not allowed" in e.value or "Payouts" in e.value for e in at.error)


def test_invoices_for_netted_lines_are_listed_and_download_as_pdf_for_finance_and_the_partner_admin(
        app, world, downloads):
    from pypdf import PdfReader

    from partner_model import deals
    with world.session() as s:
        alice = users.get_user(s, world.user_ids["partner_user"])
        manager = users.get_user(s, world.user_ids["partner_manager"])
        netted = deals.register_deal(s, alice, contact_name="Nils Netted", contact_email="nils@netted-co.example",
                                     company_name="Netted Co", annual_value="5000")
        deals.review_deal(s, manager, netted.id, accept=True)
        deals.move_deal(s, alice, netted.id, stage="closed_won", billing_option="via_partner")
        commissions.approve_week(s, users.get_user(s, world.user_ids["finance"]), rules.iso_week(clock.today()))
    for role in ("finance", "partner_admin"):
        at = _open(app, role)
        listed = _table(at, "Number")
        assert listed["Kind"].tolist() == ["Invoice"] and listed["Amount due"].tolist() == ["EUR\u00a04,000.00"]
        at.selectbox(key="invoices_pick").select_index(0).run()
        assert not at.exception
        import io
        text = PdfReader(io.BytesIO(downloads(at, "invoices_pdf"))).pages[0].extract_text()
        assert "Netted Co" in text and "4,000.00" in text
    assert _table(_open(app, "beta_admin"), "Number") is None
