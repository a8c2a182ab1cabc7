"""MedCode's assistant service: CasePilot answers and Case2Code, grounded in loaded data."""
