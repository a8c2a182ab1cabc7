"""MedCode accounts service."""
