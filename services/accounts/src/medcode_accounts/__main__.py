"""`python -m medcode_accounts` runs the accounts service."""

from medcode_accounts.server import main

main()
