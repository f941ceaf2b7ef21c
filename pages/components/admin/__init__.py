"""The admin page's sections (partners, users, audit log) and the billing page's partner-manager line."""
