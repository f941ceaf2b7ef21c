"""The public application to become a partner."""
