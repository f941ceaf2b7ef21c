"""The newsletter contact's links, served beside the pages: /newsletter/confirm and /newsletter/unsubscribe.

A GET shows a small page in the contact's language with one button; only its POST (the token in the form)
confirms or unsubscribes, so a mail scanner that opens links ahead of the reader changes nothing. The rules are
partner_model.newsletter's; every value shown is escaped. No IP address is stored.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from partner_model import db, i18n, newsletter
from partner_model.contact_mail import vendor_name
from partner_model.errors import N_, NotFound
from partner_model.models import ConsentRead, ConsentState

MAX_FORM = 4096
TEXTS = {
    "confirm": (N_("Confirm your newsletter subscription"),
                N_("Hello {name}, press the button to confirm that you want the {vendor} newsletter."),
                N_("Confirm my subscription")),
    "unsubscribe": (N_("Unsubscribe from the newsletter"),
                    N_("Hello {name}, press the button to stop receiving the {vendor} newsletter."),
                    N_("Unsubscribe")),
}
OUTCOMES = {
    ConsentState.confirmed: N_("Thank you: your subscription to the {vendor} newsletter is confirmed."),
    ConsentState.expired: N_("This confirmation link expired after 7 days. Ask your contact person for a new one."),
    ConsentState.replaced: N_("A newer confirmation email replaced this one: use the link in the newest email."),
    ConsentState.unsubscribed: N_("You are unsubscribed from the {vendor} newsletter."),
    ConsentState.waiting: N_("Press the button to confirm your subscription."),
}
PAGE = ('<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" '
        'content="width=device-width, initial-scale=1"><title>{title}</title><style>body{{font-family:'
        'system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#262730}}'
        'button{{font-size:1rem;padding:.6rem 1.2rem;border-radius:.5rem;border:0;background:#ff4b4b;color:#fff;'
        'cursor:pointer}}</style></head><body><h1>{title}</h1>{body}</body></html>')


def _engine() -> Any:
    from api.routes import _engine as engine

    return engine(db.database_url())


def _page(language: str, title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(PAGE.format(lang=html.escape(language), title=html.escape(title), body=body),
                        status_code=status, headers={"Cache-Control": "no-store"})


def _gettext(language: str) -> Callable[[str], str]:
    return i18n.translations(language if language in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE).gettext


def _not_valid(request: Request) -> HTMLResponse:
    first = request.headers.get("accept-language", "").split(",")[0].split(";")[0].strip()
    language = i18n.best_language(first)
    gettext = _gettext(language)
    return _page(language, gettext(N_("Newsletter")), f"<p>{html.escape(gettext(N_('This link is not valid.')))}"
                 "</p>", status=404)


def _outcome(consent: ConsentRead) -> HTMLResponse:
    gettext = _gettext(consent.language)
    text = gettext(OUTCOMES[consent.state]).format(vendor=vendor_name())
    return _page(consent.language, gettext(N_("Newsletter")), f"<p>{html.escape(text)}</p>")


def _run(action: Callable[[Any], ConsentRead]) -> ConsentRead | None:
    with db.session(_engine()) as s:
        try:
            return action(s)
        except NotFound:
            return None


def _handler(link: str) -> Callable[[Request], Any]:
    title, ask, button = TEXTS[link]
    act = newsletter.confirm if link == "confirm" else newsletter.unsubscribe

    async def endpoint(request: Request) -> HTMLResponse:
        if request.method == "POST":
            form = await request.form(max_files=0, max_fields=4, max_part_size=MAX_FORM)
            token = form.get("token")
            consent = await run_in_threadpool(_run, lambda s: act(s, token))
            return _outcome(consent) if consent is not None else _not_valid(request)
        token = request.query_params.get("token", "")
        consent = await run_in_threadpool(_run, lambda s: newsletter.peek(s, link, token))
        if consent is None:
            return _not_valid(request)
        if link == "confirm" and consent.state != ConsentState.waiting:
            return _outcome(consent)  # nothing left to confirm: say where it stands
        if link == "unsubscribe" and consent.state == ConsentState.unsubscribed:
            return _outcome(consent)
        gettext = _gettext(consent.language)
        body = (f"<p>{html.escape(gettext(ask).format(name=consent.contact_name, vendor=vendor_name()))}</p>"
                f'<form method="post"><input type="hidden" name="token" value="{html.escape(token)}">'
                f'<button type="submit">{html.escape(gettext(button))}</button></form>')
        return _page(consent.language, gettext(title), body)

    return endpoint


ROUTES = [Route(newsletter.CONFIRM_PATH, _handler("confirm"), methods=["GET", "POST"]),
          Route(newsletter.UNSUBSCRIBE_PATH, _handler("unsubscribe"), methods=["GET", "POST"])]
