"""Moving a card: the plain "Move to" control, the drag-and-drop board, and the dialog that asks Closed won for a
billing option and Closed lost for a note. Every move is deals.move_deal with the card's version as it was read.

A refused move leaves the card where it was and says why; a Conflict (someone else changed the deal) says so,
and the board is read again. Messages survive the rerun that redraws the board as a one-time "flash".
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st
from streamlit_sortables import sort_items

from pages.components.deals.board_labels import card_label, drag_header, dropped
from pages.components.deals.newsletter_form import entered, subscription_fields
from pages.components.deals.review_labels import md
from pages.components.frame.data import attempt
from pages.components.frame.errors import show_error
from pages.components.frame.labels import BILLING_OPTION_LABELS, STAGE_LABELS, label
from pages.components.frame.translate import _, error_text
from partner_model import deals
from partner_model.deal_queries import BoardColumn
from partner_model.errors import Conflict, DomainError
from partner_model.models import BillingOption, ReviewStatus, Stage, UserRead

FLASH_KEY = "board_flash"  # (kind, message) from the last action, shown once
PENDING_KEY = "board_pending_move"  # a move to a closed stage waiting for its billing option or note
GENERATION_KEY = "board_drag_generation"  # bumped after every drop, so the drag board is drawn afresh
DRAG_KEY_KEY = "board_drag_key"  # the drag board's current widget key (tests set its value to simulate a drop)
ASKING_STAGES = (Stage.newsletter.value, Stage.closed_won.value, Stage.closed_lost.value)
CARD_FIELDS = ("deal_id", "version", "company_name", "stage", "billing_option", "review_status")
DRAG_STYLE = """
.sortable-component.vertical { flex-wrap: nowrap; gap: 0.5rem; }
.sortable-component.vertical .sortable-container { flex: 1 1 0; min-width: 0; padding: 0; }
.sortable-container-header { white-space: pre-line; font-size: 0.8rem; line-height: 1.35; padding: 0.25rem 0.4rem; }
.sortable-container-header::first-line { font-weight: 700; font-size: 0.95rem; }
.sortable-container-body { min-height: 6rem; }
.sortable-item, .sortable-item:hover { white-space: pre-line; text-align: left; font-size: 0.8rem; line-height: 1.3;
  background-color: var(--background-color); color: var(--text-color); border: 1px solid rgba(49, 51, 63, 0.2);
  border-radius: 0.5rem; margin: 0.3rem 0.2rem; padding: 0.35rem 0.5rem; }
.sortable-item::first-line { font-weight: 700; font-size: 0.85rem; }
"""


def flash(kind: str, message: str | DomainError) -> None:
    st.session_state[FLASH_KEY] = (kind, message)


def show_flash() -> None:
    kind, message = st.session_state.pop(FLASH_KEY, (None, None))
    if kind == "error":
        show_error(message) if isinstance(message, DomainError) else st.error(message, icon=":material/error:")
    elif kind == "warning":
        st.warning(message, icon=":material/sync_problem:")
    elif kind == "success":
        st.success(message, icon=":material/check_circle:")


def card_ref(card: dict[str, Any]) -> dict[str, Any]:
    """What a move needs to know of a card, as plain values (the card's version is the one the user saw)."""
    ref = {field: card[field] for field in CARD_FIELDS}
    ref["deal_id"], ref["version"] = int(ref["deal_id"]), int(ref["version"])
    return ref


def _redraw_drag_board() -> None:
    st.session_state[GENERATION_KEY] = st.session_state.get(GENERATION_KEY, 0) + 1


def _report(card: dict[str, Any], target: str, error: DomainError | None) -> None:
    where = label(STAGE_LABELS, card["stage"])
    if error is None:
        flash("success", _("Moved {company} from {source} to {target}.").format(
            company=md(card["company_name"]), source=where, target=label(STAGE_LABELS, target)))
    elif isinstance(error, Conflict):
        # TRANSLATORS: {error} is a whole sentence saying why the move was refused.
        flash("warning", _("{error} The board now shows the latest data.").format(error=error_text(error)))
    else:
        # TRANSLATORS: {error} is a whole sentence saying why the move was refused.
        flash("error", _("{company} stays in {stage}: {error}").format(
            company=md(card["company_name"]), stage=where, error=error_text(error)))


def move(user: UserRead, card: dict[str, Any], target: str, *, billing_option: str | None = None,
         note: str | None = None, subscription: dict[str, Any] | None = None) -> DomainError | None:
    """Run the move and remember the outcome for the next run; returns the refusal, if any."""
    __, error = attempt(lambda s: deals.move_deal(s, user, card["deal_id"], stage=target,
                                                 billing_option=billing_option, note=note,
                                                 expected_version=card["version"], subscription=subscription))
    _redraw_drag_board()
    return error


def _reopens_won(card: dict[str, Any], target: str) -> bool:
    return card["stage"] == Stage.closed_won.value and target != Stage.closed_won.value


def request_move(user: UserRead, card: dict[str, Any], target: str) -> None:
    """Move now, or ask first: Newsletter subscription asks for the contact's subscription, Closed won needs a
    billing option, Closed lost a note, and reopening a won deal a confirmation with a note the partner sees (the
    dialog). A deal that is not accepted cannot be won whatever
    the billing option, nor a denied deal moved: the service says so at once instead of the dialog asking first."""
    if card.get("review_status") == ReviewStatus.denied.value or (
            target == Stage.closed_won.value and card.get("review_status") != ReviewStatus.accepted.value):
        _report(card, target, move(user, card, target))  # refused whatever the dialog would ask: say so at once
        return
    if target in ASKING_STAGES or (_reopens_won(card, target) and user.is_staff):  # partners are refused at once
        st.session_state[PENDING_KEY] = {**card, "target": target}
        _redraw_drag_board()
        return
    _report(card, target, move(user, card, target))


def target_key(deal_id: int) -> str:
    return f"board_to_{deal_id}"


def move_from_control(user: UserRead, card: dict[str, Any]) -> None:
    """The per-card "Move" button's callback: the stage chosen in the card's "Move to" box."""
    target = st.session_state.get(target_key(card["deal_id"]))
    st.session_state[target_key(card["deal_id"])] = None  # the box starts empty again wherever the card ends up
    if target is None:
        flash("error", _("Choose the stage to move {company} to, then press Move.").format(
            company=md(card["company_name"])))
        return
    request_move(user, card, target)


# --- the dialog -------------------------------------------------------------------------------------------


def _cancel() -> None:
    st.session_state.pop(PENDING_KEY, None)


def _finish(user: UserRead, pending: dict[str, Any], **details: Any) -> None:
    """Make the asked-for move: done (or refused by a change meanwhile) closes the dialog; refused stays open."""
    error = move(user, pending, pending["target"], **details)
    if error is None or isinstance(error, Conflict):
        _report(pending, pending["target"], error)
        _cancel()
        st.rerun()
    show_error(error)  # the dialog stays open: the card has not moved


def _ask_subscription(user: UserRead, pending: dict[str, Any]) -> None:
    """Entering Newsletter subscription: the contact's subscription, sent as a double opt-in with the move; a
    deal may also enter without it (its card then says no subscription was asked for)."""
    deal, __ = attempt(lambda s: deals.get_deal(s, user, pending["deal_id"]))
    prefix = f"board_move_newsletter_{pending['deal_id']}"
    subscription_fields(prefix, deal.contact_name if deal else "", deal.contact_email if deal else "")
    # One under the other: side by side in the dialog's width the labels were cut ("Move and send t…").
    if st.button(_("Move and send the confirmation email"), key="board_move_confirm", type="primary",
                 width="stretch"):
        _finish(user, pending, subscription=entered(prefix))
    if st.button(_("Move without asking now"), key="board_move_without_subscription", width="stretch"):
        _finish(user, pending)
    if st.button(_("Cancel"), key="board_move_cancel"):
        _cancel()
        st.rerun()


def _ask(user: UserRead, pending: dict[str, Any]) -> None:
    target, deal_id = pending["target"], pending["deal_id"]
    st.markdown(_("Move **{company}** from {source} to **{target}**.").format(
        company=md(pending["company_name"]), source=label(STAGE_LABELS, pending["stage"]),
        target=label(STAGE_LABELS, target)))
    if target == Stage.newsletter.value and not _reopens_won(pending, target):
        _ask_subscription(user, pending)
        return
    billing_option = note = None
    if _reopens_won(pending, target):
        st.warning(_("Reopening a won deal reverses its commission (an approved week gets a reversal in the next "
                     "open week). The partner sees your note."), icon=":material/undo:")
        note = st.text_area(_("Note"), key=f"board_move_note_{deal_id}", max_chars=2000,
                            placeholder=_("Why the deal is reopened"),
                            help=_("Shown to the partner on the deal card."))
    elif target == Stage.closed_won.value:
        options = [option.value for option in BillingOption]
        current = pending.get("billing_option")
        texts = {o: label(BILLING_OPTION_LABELS, o) for o in options}  # in this run's language
        billing_option = st.selectbox(
            _("Billing option"), options, index=options.index(current) if current in options else None,
            format_func=texts.__getitem__, key=f"board_move_billing_{deal_id}",
            placeholder=_("Choose how the customer is billed"),
            help=_("Who bills the customer decides the commission."))
    else:
        note = st.text_area(_("Note"), key=f"board_move_note_{deal_id}", max_chars=2000,
                            placeholder=_("Why the customer is not interested now, and when to ask again"),
                            help=_("A note that helps reassess the deal later."))
    confirm, cancel = st.columns(2)
    confirm_label = _("Move to {stage}").format(stage=label(STAGE_LABELS, target))
    if confirm.button(confirm_label, key="board_move_confirm", type="primary"):
        _finish(user, pending, billing_option=billing_option, note=note)
    if cancel.button(_("Cancel"), key="board_move_cancel"):
        _cancel()
        st.rerun()


def move_dialog(user: UserRead) -> None:
    """The open question of a move to a closed stage (opened from session state, so AppTest can answer it)."""
    pending = st.session_state[PENDING_KEY]
    won = pending["target"] == Stage.closed_won.value
    title = _("Close the deal as won") if won else _("Close the deal as lost")
    if pending["target"] == Stage.newsletter.value:
        title = _("Ask for the newsletter subscription")
    if _reopens_won(pending, pending["target"]):
        title = _("Reopen the won deal")
    st.dialog(title, on_dismiss=_cancel)(_ask)(user, pending)


# --- drag and drop ---------------------------------------------------------------------------------------


def drag_board(user: UserRead, shown: dict[str, list[dict[str, Any]]], columns: dict[str, BoardColumn]) -> None:
    """The columns as a streamlit-sortables board; a card dropped in another column asks for that move."""
    boxes, cards, stages = [], {}, {}
    for stage, stage_cards in shown.items():
        header = drag_header(stage, columns[stage].count, columns[stage].totals)
        stages[header] = stage
        labels = []
        for card in stage_cards:
            labels.append(card_label(card, staff=user.is_staff))
            cards[labels[-1]] = card_ref(card)
        boxes.append({"header": header, "items": labels})
    # The component keeps its own copy of the items: a new key whenever they change, or after a drop, redraws it.
    digest = hashlib.sha1(json.dumps(boxes).encode()).hexdigest()[:12]
    key = f"board_drag_{digest}_{st.session_state.get(GENERATION_KEY, 0)}"
    st.session_state[DRAG_KEY_KEY] = key
    result = sort_items(boxes, multi_containers=True, direction="vertical", custom_style=DRAG_STYLE, key=key)
    move_found = dropped(boxes, result)
    if move_found is not None:
        item, header = move_found
        request_move(user, cards[item], stages[header])
        _redraw_drag_board()
        st.rerun()
