"""The staff's partner picker searches partners in SQL once a program has more than PICKER_LIMIT of them."""

from __future__ import annotations

from decimal import Decimal

from pages.components.frame.partner_picker import PICKER_LIMIT
from partner_model import partners


def _many_partners(world, count: int) -> None:  # type: ignore[no-untyped-def]
    with world.session() as s:
        for i in range(count):
            partners.create_partner(s, name=f"Zeta Partner {i:03d}", domain=f"zeta-{i:03d}.example",
                                    commission_rate=Decimal("0.10"))


def test_a_small_program_shows_every_partner_and_no_search_box(app, world):
    at = app("admin").switch_page("pages/billing.py").run()
    assert not at.exception
    assert at.selectbox(key="billing_partner").options == ["Acme Consulting", "Beta Advisors"]
    assert not [t for t in at.text_input if t.key == "billing_partner_find"]


def test_a_large_program_sends_only_the_first_matches_and_a_search_narrows_them(app, world):
    _many_partners(world, PICKER_LIMIT + 10)
    at = app("admin").switch_page("pages/billing.py").run()
    assert not at.exception
    picker = at.selectbox(key="billing_partner")
    assert len(picker.options) == PICKER_LIMIT, "never every name of a large program"
    # the partner already chosen (the first, Acme) stays an option beside the matches
    at.text_input(key="billing_partner_find").input("BETA").run()
    assert at.selectbox(key="billing_partner").options == ["Acme Consulting", "Beta Advisors"]
    at.text_input(key="billing_partner_find").input("zeta-059").run()
    assert at.selectbox(key="billing_partner").options == ["Acme Consulting", "Zeta Partner 059"]
    at.selectbox(key="billing_partner").select_index(1).run()
    assert not at.exception
    assert at.selectbox(key="billing_partner").value != world.acme_id


def test_the_partner_service_limits_and_searches_in_sql(world):
    _many_partners(world, 5)
    from partner_model import users

    with world.session() as s:
        admin = users.get_user(s, world.user_ids["admin"])
        assert list(partners.partner_names(s, admin, search="zeta", limit=2).values()) == [
            "Zeta Partner 000", "Zeta Partner 001"]
        assert partners.partner_names(s, admin, ids=[world.beta_id]) == {world.beta_id: "Beta Advisors"}
        assert partners.count_partners(s, admin) == 7
        partner_user = users.get_user(s, world.user_ids["partner_user"])
        assert partners.partner_names(s, partner_user, search="beta") == {}
