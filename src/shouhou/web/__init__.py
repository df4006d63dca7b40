"""The server-rendered staff console and customer portal."""
