"""Inbound files: CSV exports of invoice lines from ERPs, streamed into the repositories."""
