"""`python -m medcode_metering` runs the metering service."""

from medcode_metering.server import main

main()
