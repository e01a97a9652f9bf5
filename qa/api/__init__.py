"""The HTTP layer: request/response models, routes, and the mapping of domain errors to status codes."""
