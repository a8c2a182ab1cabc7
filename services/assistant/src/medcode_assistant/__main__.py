"""`python -m medcode_assistant` runs the assistant service."""

from medcode_assistant.server import main

main()
