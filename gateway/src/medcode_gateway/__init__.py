"""MedCode HTTP gateway: translates REST calls to gRPC calls; holds no business logic."""
