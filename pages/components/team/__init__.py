"""The team page's parts: a partner admin's colleagues, the invitation form and its one-time link, role changes."""
