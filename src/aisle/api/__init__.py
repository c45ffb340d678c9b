"""The HTTP and WebSocket entry point: FastAPI routes over the services."""
