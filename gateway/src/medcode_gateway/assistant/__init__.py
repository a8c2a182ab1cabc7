"""CasePilot over HTTP: grounded answers (`/v1/assistant/ask`, its SSE stream) and Case2Code."""
