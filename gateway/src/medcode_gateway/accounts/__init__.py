"""Accounts: sign-up, sign-in, sessions, the signed-in user and their API keys."""
