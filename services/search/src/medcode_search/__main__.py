"""`python -m medcode_search` runs the search service."""

from medcode_search.server import main

main()
