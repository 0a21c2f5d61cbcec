"""The PostgreSQL database backend: Django's own, reading timestamps faster (see base.py)."""
