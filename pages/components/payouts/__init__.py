"""The payouts page's parts: the list with filters and totals, a payout's actions and history, the bank file."""
