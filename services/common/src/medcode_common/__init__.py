"""Code shared by every MedCode service: settings, logging, gRPC bootstrap, the platform runner."""
