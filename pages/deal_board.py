"""The deal board: a kanban of the five stages, filtered by partner (staff; a partner manager starts with the
partners they look after), review status and text.

Counts, value sums and the most recent cards per column come from deals.board (SQL); every move is deals.move_deal.
Links: ?deal=<id> opens that card, ?review_status=pending (or accepted, denied) presets the filter.
"""

import streamlit as st

from pages.components.deals import board_columns as board
from pages.components.deals import board_moves as moves
from pages.components.deals import details
from pages.components.frame import attempt, guard, show_error
from pages.components.frame.labels import REVIEW_LABELS, label
from pages.components.frame.links import preset_choice, preset_flag
from pages.components.frame.partner_picker import partner_choice
from pages.components.frame.translate import _
from partner_model import deals, rules
from partner_model.models import Role

OPEN = "open"  # the default: pending and accepted deals (denied ones leave the board)
REVIEW_FILTERS = [OPEN, "pending", "accepted", "denied"]
REVIEW_KEY = "board_review"
ENDING_KEY = "board_protection_ending"

user = guard("deal_board")
staff = user.role in rules.STAFF_ROLES
st.title(_("Deal board"))

details.open_linked_card(user)
preset_choice("review_status", REVIEW_KEY, REVIEW_FILTERS)  # a link (the home page's inbox) presets it once
preset_flag("protection_ending", ENDING_KEY)

partner_id = manager_id = None
if user.role == Role.partner_manager:  # "My partners only" (on by default) beside the partner filter
    partner_column, mine_column, review_column, search_column = st.columns([2, 1.4, 2, 3],
                                                                           vertical_alignment="bottom")
    with partner_column:
        partner_id = partner_choice(user, key="board_partner", everyone=_("All partners"))
    manager_id = board.my_partners_scope(user, mine_column)
elif staff:
    partner_column, review_column, search_column = st.columns([2, 2, 3], vertical_alignment="bottom")
    with partner_column:
        partner_id = partner_choice(user, key="board_partner", everyone=_("All partners"))
else:  # a partner sees its own deals: no partner to choose, and its own name is not repeated
    review_column, search_column = st.columns([2, 3], vertical_alignment="bottom")
with review_column:
    # Option texts made in this run's language: a format_func that translated later (AppTest between runs) could
    # write them in another one.
    review_texts = {r: _("Pending and accepted") if r == OPEN else label(REVIEW_LABELS, r) for r in REVIEW_FILTERS}
    chosen_status = st.selectbox(
        _("Review status"), REVIEW_FILTERS, key=REVIEW_KEY, format_func=review_texts.__getitem__,
        help=_("Denied deals leave the board; choose Denied to see them with their reason."))
    review_status = None if chosen_status == OPEN else chosen_status
with search_column:
    search = st.text_input(_("Search"), key="board_search", placeholder=_("Company, domain or contact"),
                           icon=":material/search:")
ending = st.toggle(_("Protection ending within {days} days").format(days=rules.PROTECTION_WARNING_DAYS),
                   key=ENDING_KEY, help=_("Accepted open deals whose registration protection ends soon: win them, or "
                                          "extend the protection once."))

view_column, totals_column, card_column = st.columns([2.2, 1.6, 3], vertical_alignment="bottom")
with view_column:
    view_texts = {"drag": _("Drag and drop"), "cards": _("Cards with controls")}
    # TRANSLATORS: how the board is shown (a noun).
    view = st.segmented_control(_("View"), list(view_texts), key=board.VIEW_KEY, default="drag", required=True,
                                format_func=view_texts.__getitem__)

result, error = attempt(lambda s: deals.board(s, user, partner_id=partner_id, review_status=review_status,
                                              search=search or None, manager_id=manager_id,
                                              per_stage=board.cards_to_read(view),
                                              protection_ending_within=rules.PROTECTION_WARNING_DAYS if ending
                                              else None))
if error is not None:
    show_error(error)
    st.stop()
columns = result

moves.show_flash()
if sum(column.count for column in columns.values()) == 0:
    filtered = partner_id is not None or review_status is not None or bool(search) or ending
    if filtered:
        st.info(_("No deals match these filters."), icon=":material/inbox:")
    elif manager_id is not None:
        st.info(_("The partners you look after have no deals on the board. Switch off \"My partners only\" to see "
                  "every partner's."), icon=":material/inbox:")
    else:
        st.info(_("No deals yet: register one to see it here."), icon=":material/inbox:")
    st.page_link("pages/register_deal.py", label=_("Register a deal"), icon=":material/add_business:")
else:
    shown = board.shown_cards(columns, view)
    with totals_column:
        board.totals_panel(columns)
    with card_column:
        board.card_picker(user, shown)
    if view == "cards":
        board.cards_view(user, columns, shown)
    else:
        board.drag_view(user, columns, shown)

# One dialog at a time: a move waiting for its billing option or note comes first.
if moves.PENDING_KEY in st.session_state:
    moves.move_dialog(user)
elif st.session_state.get(board.CARD_KEY) is not None:
    details.details_dialog(user)
