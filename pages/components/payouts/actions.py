"""A payout picked by identity (#id, partner, week, due, state) and what finance does with it: confirm, take back
to draft with a note, mark paid with the day and the bank's reference; its history below. The rules (bank details
present and valid, a paid payout never changes, act on the version shown) live in partner_model.payouts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.frame.data import attempt
from pages.components.frame.errors import FieldErrors, show_error
from pages.components.frame.labels import PAYOUT_STATE_LABELS, label
from pages.components.frame.text import md
from pages.components.frame.translate import _, date_column_format, date_input_format, fmt
from pages.components.payouts.listing import money
from partner_model import clock, payout_queries, payouts
from partner_model.models import PayoutRead, PayoutState, UserRead

PICK_KEY = "payouts_pick"
RESULT_KEY = "payouts_result"


def pick(user: UserRead, frame: pd.DataFrame | None) -> int | None:
    """The payout to act on, chosen among the rows shown; its label tells payouts apart."""
    if frame is None or frame.empty:
        return None
    # What tells payouts apart, and never changes: a label that changed (a state) would make a new widget and lose
    # the pick the moment it is confirmed.
    texts = {int(r.id): f"#{r.id} · {r.partner_name} · {fmt().week(r.week)} · {money(r.due_cents, r.currency)}"
             for r in frame.itertuples()}
    if st.session_state.get(PICK_KEY) not in texts:
        st.session_state.pop(PICK_KEY, None)
    return st.selectbox(_("Payout"), list(texts), format_func=texts.__getitem__, key=PICK_KEY, index=None,
                        placeholder=_("Choose a payout to confirm, pay or see its history") if user.is_staff
                        else _("Choose a payout to see its history"))


def _done(result: object, error: object, message: str) -> None:
    st.session_state[RESULT_KEY] = ("error", error) if error is not None else ("success", message)


def _confirm(user: UserRead, payout: PayoutRead) -> None:
    done, error = attempt(lambda s: payouts.confirm_payout(s, user, payout.id, expected_version=payout.version))
    _done(done, error, _("Payout #{id} is ready for the bank.").format(id=payout.id))


def _to_draft(user: UserRead, payout: PayoutRead) -> None:
    note = st.session_state.get(f"payout_note_{payout.id}")
    done, error = attempt(lambda s: payouts.return_to_draft(s, user, payout.id, note=note,
                                                            expected_version=payout.version))
    _done(done, error, _("Payout #{id} is a draft again.").format(id=payout.id))


def _paid(user: UserRead, payout: PayoutRead) -> None:
    state = st.session_state
    done, error = attempt(lambda s: payouts.mark_paid(
        s, user, payout.id, paid_on=state.get(f"payout_paid_on_{payout.id}"),
        bank_reference=state.get(f"payout_reference_{payout.id}", ""), expected_version=payout.version))
    _done(done, error, _("Payout #{id} is paid.").format(id=payout.id))


def actions(user: UserRead, payout: PayoutRead) -> None:
    """The buttons the payout's state allows (finance and admins)."""
    result = st.session_state.pop(RESULT_KEY, None)
    if result is not None:
        kind, message = result
        show_error(message) if kind == "error" else st.success(message, icon=":material/check:")
    if payout.state == PayoutState.draft:
        st.button(_("Confirm: ready for the bank"), key="payout_confirm", type="primary", on_click=_confirm,
                  args=(user, payout), icon=":material/task_alt:",
                  help=_("Needs the partner's IBAN in its billing information."))
    elif payout.state == PayoutState.ready:
        errors = FieldErrors()
        left, right = st.columns(2)
        with left:
            st.date_input(_("Paid on"), value=clock.today(), max_value=clock.today(),
                          key=f"payout_paid_on_{payout.id}", format=date_input_format())
            errors.slot("paid_on")
            st.text_input(_("Bank reference"), key=f"payout_reference_{payout.id}", max_chars=140)
            errors.slot("bank_reference")
            st.button(_("Mark paid"), key="payout_paid", type="primary", on_click=_paid, args=(user, payout),
                      icon=":material/paid:")
        with right:
            st.text_input(_("Note (why it goes back)"), key=f"payout_note_{payout.id}", max_chars=500)
            st.button(_("Back to draft"), key="payout_to_draft", on_click=_to_draft, args=(user, payout),
                      icon=":material/undo:")
    elif payout.state == PayoutState.paid:
        st.caption(_("Paid on {day}, bank reference {reference}. A paid payout never changes.").format(
            day=fmt().date(payout.paid_on), reference=md(payout.bank_reference or "—")))
    else:
        st.caption(_("Carried: under the minimum payout (or negative), its balance is paid with the partner's next "
                     "payout."))


def details(user: UserRead, payout_id: int) -> None:
    """The picked payout: what it is, the actions (finance), and its history."""
    result, error = attempt(lambda s: (payout_queries.get_payout(s, user, payout_id),
                                       payout_queries.payout_history(s, user, payout_id)))
    if error is not None:
        show_error(error)
        return
    payout, history = result
    st.markdown(_("**Due {due}**: the week's commission {lines} plus {carried} carried in.").format(
        due=money(payout.due_cents, payout.currency), lines=money(payout.lines_cents, payout.currency),
        carried=money(payout.carried_in_cents, payout.currency)))
    if user.is_staff:
        actions(user, payout)
    shown = pd.DataFrame({
        _("When (UTC)"): history["at"], _("Who"): history["actor"].replace("", "—"),
        _("From"): [label(PAYOUT_STATE_LABELS, s) for s in history["from_state"].fillna("")],
        _("To"): [label(PAYOUT_STATE_LABELS, s) for s in history["to_state"]],
        _("Note"): [_(n) if n else "—" for n in history["note"].fillna("")],
    })
    st.dataframe(shown, hide_index=True, width="stretch", key="payout_history", column_config={
        _("When (UTC)"): st.column_config.DatetimeColumn(format=date_column_format() + " HH:mm")})
