"""The customer overview: filters, the account table and its CSV, account details, charts, the trial form."""
