"""The kanban's columns: a compact header per stage (count, and the total on one line over all its deals), the cards
by recency, and the two ways to look at them: cards with a plain move control, paged per column, or drag and drop
with "Show more" per column. The value sums of every currency are one click away in the totals panel.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from pages.components.deals import board_moves as moves
from pages.components.deals.board_labels import (
    REVIEW_BADGE_COLOURS,
    STALE_ICON,
    deals_text,
    in_stage_text,
    markers,
    total_line,
    totals_lines,
)
from pages.components.deals.review_labels import md
from pages.components.frame.labels import REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.scope import my_partners
from pages.components.frame.translate import _, fmt, ngettext
from partner_model.deal_queries import BoardColumn
from partner_model.models import Stage, UserRead

PAGE = 10  # drag and drop: cards per column at first, and how many more "Show more" adds
CARDS_PAGE = 5  # cards with controls: cards per page of a column
LIMITS_KEY = "board_limits"  # stage -> how many cards that column shows
CARD_KEY = "board_card"  # the deal whose card details are open
VIEW_KEY = "board_view"
STAGES = [stage.value for stage in Stage]


def my_partners_scope(user: UserRead, where: Any) -> int | None:
    """A partner manager's "My partners only" switch (on at first, one choice for the session): the manager id to
    pass as `manager_id`, or None. A manager who looks after no partner yet sees every partner's deals, told so."""
    manager_id = my_partners(user, where=where,
                             nobody=_("You look after no partners yet, so the deals of every partner are shown."))
    return manager_id


def limits() -> dict[str, int]:
    return st.session_state.setdefault(LIMITS_KEY, dict.fromkeys(STAGES, PAGE))


def page_key(stage: str) -> str:
    return f"board_page_{stage}"


def card_pages() -> dict[str, int]:
    """The page each column of the cards view shows (1 until paged)."""
    return {stage: max(1, int(st.session_state.get(page_key(stage)) or 1)) for stage in STAGES}


def cards_to_read(view: str) -> int:
    """How many cards per stage the board reads (the most recent ones, in SQL): up to the furthest page any column
    shows in the cards view, the largest "Show more" in the drag view."""
    if view == "cards":
        return max(card_pages().values()) * CARDS_PAGE
    return max(limits().values())


def _show_more(stage: str) -> None:
    limits()[stage] += PAGE


def _open_card(deal_id: int) -> None:
    st.session_state[CARD_KEY] = deal_id


def shown_cards(columns: dict[str, BoardColumn], view: str) -> dict[str, list[dict[str, Any]]]:
    """Per stage, the cards the column shows now: its page of CARDS_PAGE in the cards view (a page beyond the
    column's last shows the last), its first cards up to its limit in the drag view."""
    shown = {}
    for stage in STAGES:
        cards = columns[stage].cards
        if view == "cards":
            last = max(1, math.ceil(columns[stage].count / CARDS_PAGE))
            page = min(card_pages()[stage], last)
            if page != card_pages()[stage]:
                st.session_state[page_key(stage)] = page
            cards = cards.iloc[(page - 1) * CARDS_PAGE:page * CARDS_PAGE]
        else:
            cards = cards.head(limits()[stage])
        shown[stage] = cards.to_dict("records")
    return shown


def header(stage: str, column: BoardColumn) -> None:
    """The stage, then its count and its total on one line each; every currency's sum on hover."""
    every = totals_lines(column.totals)
    st.markdown(f"**{label(STAGE_LABELS, stage)}**")
    st.caption(f"{deals_text(column.count)}  \n{total_line(column.totals)}",
               help="  \n".join(every) if len(every) > 1 else None)


def totals_panel(columns: dict[str, BoardColumn]) -> None:
    """Every stage's value sum per currency, one click away (a column's header shows only the largest currency)."""
    lines = [_("**{stage}** · {deals}: {sums}").format(stage=label(STAGE_LABELS, stage),
                                                      deals=deals_text(columns[stage].count),
                                                      sums=", ".join(totals_lines(columns[stage].totals)) or "—")
             for stage in STAGES]
    with st.popover(_("Totals per currency"), icon=":material/functions:"):
        st.markdown("\n".join(f"- {line}" for line in lines))


def show_more(stage: str, column: BoardColumn, shown: int) -> None:
    if column.count > shown:
        more = _("Show more ({count} more)").format(count=fmt().number(column.count - shown))
        st.button(more, key=f"board_more_{stage}", on_click=_show_more, args=(stage,), icon=":material/expand_more:",
                  width="stretch")


def card_text(card: dict[str, Any], staff: bool) -> str:
    """A card's Markdown: the company in bold, the value prominent, the review status as a badge with the days in
    stage (a stale card's marker says them), the partner for staff only, then the markers (stale, protection,
    denial)."""
    status = card.get("review_status")
    badge = f":{REVIEW_BADGE_COLOURS.get(status, 'gray')}-badge[{label(REVIEW_LABELS, status)}]"
    found = markers(card)
    stale = any(m.icon == STALE_ICON for m in found)
    lines = [f"**{md(card['company_name'])}**",
             f":primary[**{fmt().money(card['value'], card['currency'])}**]",
             badge if stale else f"{badge} :small[{in_stage_text(card.get('days_in_stage'))}]"]
    if staff:
        lines.append(f":small[{md(card['partner_name'])}]")
    # coloured text rather than badges: it wraps in a narrow column instead of being cut off
    lines += [f":{m.color}[:small[{m.icon} {m.text}]]" for m in found]
    return "  \n".join(lines)


def _card(user: UserRead, card: dict[str, Any]) -> None:
    deal_id = int(card["deal_id"])
    with st.container(border=True, key=f"board_card_{deal_id}", gap="small"):
        st.markdown(card_text(card, user.is_staff))
        targets = {s: label(STAGE_LABELS, s) for s in STAGES if s != card["stage"]}  # in this run's language
        st.selectbox(_("Move to"), list(targets), index=None, label_visibility="collapsed",
                     key=moves.target_key(deal_id), format_func=targets.__getitem__,
                     placeholder=_("Move to…"))
        with st.container(horizontal=True, gap="small"):
            # TRANSLATORS: a button: move the deal to the stage chosen above.
            st.button(_("Move"), key=f"board_move_{deal_id}", on_click=moves.move_from_control,
                      args=(user, moves.card_ref(card)), icon=":material/arrow_forward:", type="tertiary")
            st.button(_("Details"), key=f"board_open_{deal_id}", on_click=_open_card, args=(deal_id,),
                      type="tertiary", icon=":material/open_in_new:")


def _pager(stage: str, column: BoardColumn) -> None:
    pages = math.ceil(column.count / CARDS_PAGE)
    if pages <= 1:
        return
    page = card_pages()[stage]
    first = (page - 1) * CARDS_PAGE + 1
    st.caption(_("{first}–{last} of {total}").format(first=fmt().number(first), total=fmt().number(column.count),
                                                     last=fmt().number(min(column.count, page * CARDS_PAGE))))
    st.pagination(pages, key=page_key(stage), max_visible_pages=3)


def cards_view(user: UserRead, columns: dict[str, BoardColumn], shown: dict[str, list[dict[str, Any]]]) -> None:
    for stage, place in zip(STAGES, st.columns(len(STAGES), gap="small"), strict=True):
        with place:
            header(stage, columns[stage])
            if not shown[stage]:
                st.caption(_("No deals in this stage."))
            for card in shown[stage]:
                _card(user, card)
            _pager(stage, columns[stage])


def drag_view(user: UserRead, columns: dict[str, BoardColumn], shown: dict[str, list[dict[str, Any]]]) -> None:
    st.caption(_("Drag a card to another column to move the deal; with the keyboard, use the cards with controls."))
    moves.drag_board(user, shown, columns)
    for stage, place in zip(STAGES, st.columns(len(STAGES), gap="small"), strict=True):
        with place:
            show_more(stage, columns[stage], len(shown[stage]))


def card_picker(user: UserRead, shown: dict[str, list[dict[str, Any]]]) -> None:
    """Open a card's details: any card the board shows (the card view's "Details" buttons choose here too)."""
    options: dict[int, str] = {}
    for stage, cards in shown.items():
        for card in cards:
            words = [card["company_name"], label(STAGE_LABELS, stage)]
            if user.is_staff:  # a partner knows its own name
                words.append(card["partner_name"])
            options[int(card["deal_id"])] = " · ".join(words)
    chosen = st.session_state.get(CARD_KEY)
    if chosen is not None and chosen not in options:  # opened by a link, or not among the cards shown
        options[chosen] = _("Deal #{id}").format(id=chosen)
    st.selectbox(_("Open a card"), list(options), index=None, key=CARD_KEY, format_func=options.get,
                 placeholder=ngettext("Notes, history and more of any card shown ({count} card)",
                                      "Notes, history and more of any card shown ({count} cards)",
                                      len(options)).format(count=fmt().number(len(options))))
