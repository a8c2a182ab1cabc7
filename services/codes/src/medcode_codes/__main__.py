"""`python -m medcode_codes ...` is `medcode-codes ...`."""

from medcode_codes.cli import main

raise SystemExit(main())
