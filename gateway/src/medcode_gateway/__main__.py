"""`python -m medcode_gateway` runs the gateway."""

from medcode_gateway.main import main

main()
