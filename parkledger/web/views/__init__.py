"""The web pages, one module per page family."""
