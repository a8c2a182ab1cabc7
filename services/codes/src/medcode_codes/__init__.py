"""MedCode codes service: versioned code-set snapshots served over gRPC."""
