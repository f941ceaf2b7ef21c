"""The admin page's sections: users (create, change, reset, unlock)."""
