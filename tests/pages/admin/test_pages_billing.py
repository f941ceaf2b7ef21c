"""The billing page: partner admins edit their own firm's billing information, staff read, admins edit any."""

from __future__ import annotations

from pages_helpers import shown

from partner_model import i18n, partners, users

VALID = {
    "legal_name": "Acme Consulting Oy",
    "vat_id": "FI12345678",
    "billing_email": "billing@acme-consulting.example",
    "address": "Mannerheimintie 1, 00100 Helsinki",
}


def open_billing(app, role):  # type: ignore[no-untyped-def]
    return app(role).switch_page("pages/billing.py").run()


def fill(at, partner_id: int, values: dict[str, str], option: str | None = None):  # type: ignore[no-untyped-def]
    for field, value in values.items():
        widget = at.text_area(key=f"{field}_{partner_id}") if field == "address" else at.text_input(
            key=f"{field}_{partner_id}")
        widget.input(value)
    if option is not None:
        at.selectbox(key=f"default_billing_option_{partner_id}").select(option)
    return at.button(key="billing_save").click().run()


def partner_and_history(world, partner_id: int):  # type: ignore[no-untyped-def]
    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        return partners.get_partner(s, admin, partner_id), partners.billing_history(s, admin, partner_id)


def test_partner_admin_saves_billing_information_and_sees_the_change_history(app, world):
    at = fill(open_billing(app, "partner_admin"), world.acme_id, VALID, option="invoice")
    assert not at.exception
    assert [s.value for s in at.success] == ["Billing information saved."]
    partner, history = partner_and_history(world, world.acme_id)
    assert (partner.legal_name, partner.vat_id, partner.default_billing_option) == (
        "Acme Consulting Oy", "FI12345678", "invoice")
    assert {c.field for c in history} == {*VALID, "default_billing_option"}
    shown = at.dataframe[0].value
    assert set(shown["Field"]) == {"Legal name", "VAT id", "Billing email", "Address", "Default billing option"}
    assert "Invoice" in set(shown["To"])
    assert set(shown["Changed by"]) == {"Partner Admin"}


def test_bad_vat_id_is_shown_by_its_field_and_nothing_is_written(app, world):
    at = fill(open_billing(app, "partner_admin"), world.acme_id, {**VALID, "vat_id": "12345"})
    assert not at.exception
    assert len(at.error) == 1 and "VAT id" in at.error[0].value
    # The error sits in the form, right under the VAT id input.
    children = list(at.get("form")[0].children.values())
    vat = next(i for i, node in enumerate(children) if getattr(node, "key", None) == f"vat_id_{world.acme_id}")
    assert children[vat + 1].type == "error" and children[vat + 1].value == at.error[0].value
    partner, history = partner_and_history(world, world.acme_id)
    assert partner.legal_name is None and history == []


def test_bad_billing_email_is_refused(app, world):
    at = fill(open_billing(app, "partner_admin"), world.acme_id, {**VALID, "billing_email": "not-an-email"})
    assert not at.exception
    assert "Billing email" in at.error[0].value
    assert partner_and_history(world, world.acme_id)[1] == []


def test_partner_admin_sees_only_their_own_firm(app, world):
    at = open_billing(app, "beta_admin")
    assert not at.exception
    assert "Beta Advisors" in at.subheader[0].value
    assert "billing_partner" not in [box.key for box in at.selectbox]  # no picker: their own firm only


def test_finance_reads_billing_information_without_a_form(app, world):
    fill(open_billing(app, "partner_admin"), world.acme_id, VALID)
    at = open_billing(app, "finance")
    assert not at.exception
    at.selectbox(key="billing_partner").select(world.acme_id).run()
    assert not at.exception
    assert not at.get("form")
    shown = at.table[0].value
    assert shown.loc["Legal name", "value"] == "Acme Consulting Oy"
    assert len(at.dataframe[0].value) == 4


def test_admin_edits_any_partners_billing_information(app, world):
    at = open_billing(app, "admin")
    at.selectbox(key="billing_partner").select(world.beta_id).run()
    at = fill(at, world.beta_id, {**VALID, "legal_name": "Beta Advisors AB", "vat_id": "SE556677889901"})
    assert not at.exception
    assert [s.value for s in at.success] == ["Billing information saved."]
    assert partner_and_history(world, world.beta_id)[0].legal_name == "Beta Advisors AB"


def test_the_billing_page_works_in_another_language(app, world):
    at = app("partner_admin")
    at.session_state["language"] = "fi"
    at = at.switch_page("pages/billing.py").run()
    words = i18n.translations("fi").gettext
    options = at.selectbox(key=f"default_billing_option_{world.acme_id}").options
    assert words("Invoice") in options and words("Not chosen") in options  # "Lasku"
    at = fill(at, world.acme_id, VALID, option="invoice")
    assert not at.exception, [e.value for e in at.exception]
    assert at.success[0].value == words("Billing information saved.")
    assert partner_and_history(world, world.acme_id)[0].default_billing_option == "invoice"
    assert len(at.dataframe[0].value) == 5  # the change history, under its Finnish headings


def test_a_billing_form_read_before_someone_elses_save_keeps_their_vat_id(app, world):
    """Issue 12, case 3: the second saver's stale form erased the VAT id, and both were told "saved"."""
    at = open_billing(app, "partner_admin")
    with world.session() as s:  # someone else saves the VAT id while this form is open
        admin = users.get_user(s, world.user_ids["admin"])
        partners.update_billing_info(s, admin, world.acme_id, vat_id="FI12345678")
    at.text_area(key=f"address_{world.acme_id}").input("Aleksanterinkatu 1, 00100 Helsinki")
    at = at.button(key="billing_save").click().run()
    assert not at.exception
    assert not at.success
    assert any("Someone else changed this partner" in e.value and "vat_id" in shown(e.value) for e in at.error)
    partner, __ = partner_and_history(world, world.acme_id)
    assert (partner.vat_id, partner.address) == ("FI12345678", None)
    assert at.text_input(key=f"vat_id_{world.acme_id}").value == "FI12345678", "the form shows the row as it is now"


def test_a_billing_save_sends_only_the_changed_fields(app, world):
    at = open_billing(app, "partner_admin")
    at.text_input(key=f"legal_name_{world.acme_id}").input("Acme Consulting Oy")
    at = at.button(key="billing_save").click().run()
    assert [s.value for s in at.success] == ["Billing information saved."]
    __, history = partner_and_history(world, world.acme_id)
    assert [change.field for change in history] == ["legal_name"]


def test_partner_admin_saves_bank_details_for_payouts_and_a_bad_iban_is_shown_by_its_field(app, world):
    at = fill(open_billing(app, "partner_admin"), world.acme_id, {"iban": "FI21 1234 5600 0007 86"})
    assert not at.exception
    assert len(at.error) == 1 and "check digits" in at.error[0].value
    children = list(at.get("form")[0].children.values())
    iban = next(i for i, node in enumerate(children) if getattr(node, "key", None) == f"iban_{world.acme_id}")
    assert children[iban + 1].type == "error"
    assert partner_and_history(world, world.acme_id)[1] == []
    at.selectbox(key=f"country_{world.acme_id}").select("FI")
    at = fill(at, world.acme_id, {"iban": "FI21 1234 5600 0007 85", "bic": "ndeafihh"})
    assert [s.value for s in at.success] == ["Billing information saved."]
    partner, history = partner_and_history(world, world.acme_id)
    assert (partner.iban, partner.bic, partner.country) == ("FI2112345600000785", "NDEAFIHH", "FI")
    assert {c.field for c in history} == {"iban", "bic", "country"}
    assert at.selectbox(key=f"country_{world.acme_id}").value == "FI"
