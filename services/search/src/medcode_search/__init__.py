"""MedCode search service (Case2Code): codes from codes, prefixes, words, lay words, typos."""
