"""Case2Code search, type-ahead and the NLM Clinical Tables compatible endpoints."""
