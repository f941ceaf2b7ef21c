"""The kanban's columns: a header per stage (count and value sums over all its deals), the first cards by recency,
"Show more" per column, and the two ways to look at them: cards with a plain move control, or drag and drop.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from pages.components.deals import board_moves as moves
from pages.components.deals.board_labels import deals_text, in_stage_text, markers, totals_text
from pages.components.deals.review_labels import md
from pages.components.frame.labels import REVIEW_LABELS, STAGE_LABELS, label
from pages.components.frame.translate import _, fmt, ngettext
from partner_model.deal_queries import BoardColumn
from partner_model.models import Stage, UserRead

PAGE = 10  # cards per column at first, and how many more "Show more" adds
LIMITS_KEY = "board_limits"  # stage -> how many cards that column shows
CARD_KEY = "board_card"  # the deal whose card details are open
STAGES = [stage.value for stage in Stage]


def limits() -> dict[str, int]:
    return st.session_state.setdefault(LIMITS_KEY, dict.fromkeys(STAGES, PAGE))


def _show_more(stage: str) -> None:
    limits()[stage] += PAGE


def _open_card(deal_id: int) -> None:
    st.session_state[CARD_KEY] = deal_id


def shown_cards(columns: dict[str, BoardColumn]) -> dict[str, list[dict[str, Any]]]:
    """Per stage, the cards the column shows now (the board was read with the largest column's limit)."""
    return {stage: columns[stage].cards.head(limits()[stage]).to_dict("records") for stage in STAGES}


def header(stage: str, column: BoardColumn) -> None:
    st.markdown(f"**{label(STAGE_LABELS, stage)}**")
    st.caption(f"{deals_text(column.count)} · {totals_text(column.totals)}")


def show_more(stage: str, column: BoardColumn, shown: int) -> None:
    if column.count > shown:
        more = _("Show more ({count} more)").format(count=fmt().number(column.count - shown))
        st.button(more, key=f"board_more_{stage}", on_click=_show_more, args=(stage,), icon=":material/expand_more:",
                  width="stretch")


def _card(user: UserRead, card: dict[str, Any]) -> None:
    deal_id = int(card["deal_id"])
    with st.container(border=True, key=f"board_card_{deal_id}"):
        st.markdown(f"**{md(card['company_name'])}**  \n{fmt().money(card['value'], card['currency'])}  \n"
                    f"{md(card['partner_name'])}")
        st.caption(f"{label(REVIEW_LABELS, card['review_status'])} · {in_stage_text(card['days_in_stage'])}")
        found = markers(card)
        if found:  # coloured text rather than badges: it wraps in a narrow column instead of being cut off
            st.markdown("  \n".join(f":{m.color}[{m.icon} {m.text}]" for m in found))
        targets = {s: label(STAGE_LABELS, s) for s in STAGES if s != card["stage"]}  # in this run's language
        st.selectbox(_("Move to"), list(targets), index=None,
                     key=moves.target_key(deal_id), format_func=targets.__getitem__,
                     placeholder=_("Choose a stage"))
        with st.container(horizontal=True, gap="small"):
            # TRANSLATORS: a button: move the deal to the stage chosen above.
            st.button(_("Move"), key=f"board_move_{deal_id}", on_click=moves.move_from_control,
                      args=(user, moves.card_ref(card)), icon=":material/arrow_forward:")
            st.button(_("Details"), key=f"board_open_{deal_id}", on_click=_open_card, args=(deal_id,),
                      type="tertiary", icon=":material/open_in_new:")


def cards_view(user: UserRead, columns: dict[str, BoardColumn], shown: dict[str, list[dict[str, Any]]]) -> None:
    for stage, place in zip(STAGES, st.columns(len(STAGES), gap="small"), strict=True):
        with place:
            header(stage, columns[stage])
            if not shown[stage]:
                st.caption(_("No deals in this stage."))
            for card in shown[stage]:
                _card(user, card)
            show_more(stage, columns[stage], len(shown[stage]))


def drag_view(user: UserRead, columns: dict[str, BoardColumn], shown: dict[str, list[dict[str, Any]]]) -> None:
    st.caption(_("Drag a card to another column to move the deal; with the keyboard, use the cards with controls."))
    moves.drag_board(user, shown, columns)
    for stage, place in zip(STAGES, st.columns(len(STAGES), gap="small"), strict=True):
        with place:
            show_more(stage, columns[stage], len(shown[stage]))


def card_picker(shown: dict[str, list[dict[str, Any]]]) -> None:
    """Open a card's details: any card the board shows (the card view's "Details" buttons choose here too)."""
    options: dict[int, str] = {}
    for stage, cards in shown.items():
        for card in cards:
            options[int(card["deal_id"])] = (f"{card['company_name']} · {label(STAGE_LABELS, stage)} · "
                                             f"{card['partner_name']}")
    chosen = st.session_state.get(CARD_KEY)
    if chosen is not None and chosen not in options:  # opened by a link, or not among the first cards
        options[chosen] = _("Deal #{id}").format(id=chosen)
    st.selectbox(_("Open a card"), list(options), index=None, key=CARD_KEY, format_func=options.get,
                 placeholder=ngettext("Notes, history and more of any card shown ({count} card)",
                                      "Notes, history and more of any card shown ({count} cards)",
                                      len(options)).format(count=fmt().number(len(options))))
