"""Request and response models of the HTTP API: ``/ask`` and articles (``ask``), the admin API (``admin``), the
OpenAI-compatible chat endpoint (``openai``)."""
