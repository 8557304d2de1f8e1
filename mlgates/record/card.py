"""Model cards written from the ledger (placeholder replaced below)."""
