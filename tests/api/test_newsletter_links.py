"""Issue 20: the newsletter contact's links through real HTTP against the running app. A GET only shows a page
with one button (a mail scanner opening the link confirms nothing); the POST confirms or unsubscribes; the page is
in the contact's language and what they typed stays text; an unknown token gets 404."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import sqlalchemy as sa

from tests.api.conftest import Api


def _ask(api: Api, name: str, email: str, language: str) -> dict[str, str]:
    """A deal of a partner user moved to Newsletter with a subscription: the tokens of its email's links."""
    from partner_model import db, deals, partners, users
    from partner_model.models import ContactEmail

    engine = db.make_engine(f"sqlite:///{api.database}")
    with db.session(engine) as s:
        admin = users.get_user(s, api.admin_id)
        partner = partners.create_partner(s, name=f"Links {email}", domain=f"links-{email.split('@')[1]}",
                                          commission_rate=Decimal("0.2"))
        seller = users.create_user(s, email=f"seller@links-{email.split('@')[1]}", name="Seller", role="partner_user",
                                   password="correct horse battery staple 42", partner_id=partner.id)
        deal = deals.register_deal(s, users.get_user(s, seller.id), contact_name=name, contact_email=email,
                                   company_name=f"Company of {email}", annual_value="1000")
        deals.review_deal(s, admin, deal.id, accept=True)
        deals.move_deal(s, users.get_user(s, seller.id), deal.id, stage="newsletter", subscription={
            "contact_name": name, "contact_email": email, "language": language, "contact_agreed": True})
        params = json.loads(s.execute(sa.select(ContactEmail.params).where(ContactEmail.to_address == email))
                            .scalar_one())
    engine.dispose()
    return {kind: parse_qs(urlsplit(params[key]).query)["token"][0]
            for kind, key in (("confirm", "link"), ("unsubscribe", "unsubscribe"))}


def _state(api: Api, email: str) -> tuple[object, object, object]:
    from partner_model import db
    from partner_model.models import NewsletterConsent

    engine = db.make_engine(f"sqlite:///{api.database}")
    with db.session(engine) as s:
        row = s.execute(sa.select(NewsletterConsent).where(NewsletterConsent.contact_email == email)).scalar_one()
        found = (row.link_used_at, row.confirmed_at, row.unsubscribed_at)
    engine.dispose()
    return found


def test_a_get_shows_the_button_and_only_the_post_confirms(api: Api):
    tokens = _ask(api, "<b>Kaisa</b>", "kaisa@kestrel-links.fi", "fi")
    page = httpx.get(f"{api.url}/newsletter/confirm", params={"token": tokens["confirm"]})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="fi">' in page.text and "Vahvista tilaukseni" in page.text  # the contact's language
    assert "&lt;b&gt;Kaisa&lt;/b&gt;" in page.text and "<b>Kaisa</b>" not in page.text  # typed text stays text
    assert _state(api, "kaisa@kestrel-links.fi") == (None, None, None)  # looking changes nothing
    done = httpx.post(f"{api.url}/newsletter/confirm", data={"token": tokens["confirm"]})
    assert done.status_code == 200 and "on vahvistettu" in done.text
    used, confirmed, __ = _state(api, "kaisa@kestrel-links.fi")
    assert used is not None and confirmed is not None
    again = httpx.get(f"{api.url}/newsletter/confirm", params={"token": tokens["confirm"]})
    assert "on vahvistettu" in again.text and "<form" not in again.text


def test_unsubscribe_by_its_link(api: Api):
    tokens = _ask(api, "Dirk", "dirk@links-nl.example", "nl")
    assert "Uitschrijven" in httpx.get(f"{api.url}/newsletter/unsubscribe",
                                       params={"token": tokens["unsubscribe"]}).text
    left = httpx.post(f"{api.url}/newsletter/unsubscribe", data={"token": tokens["unsubscribe"]})
    assert left.status_code == 200 and "uitgeschreven" in left.text
    assert _state(api, "dirk@links-nl.example")[2] is not None


@pytest.mark.parametrize("token", ["", "short", "x" * 43, "'; DROP TABLE deal; --" * 3])
def test_an_unknown_link_is_404_and_writes_nothing(api: Api, token: str):
    for answer in (httpx.get(f"{api.url}/newsletter/confirm", params={"token": token}),
                   httpx.post(f"{api.url}/newsletter/confirm", data={"token": token}),
                   httpx.post(f"{api.url}/newsletter/unsubscribe", data={"token": token})):
        assert answer.status_code == 404 and "This link is not valid." in answer.text
