"""Deals: the registration form, the board (columns, cards, moves), deal details, the review queue's panel."""
