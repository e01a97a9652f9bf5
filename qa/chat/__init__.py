"""Chat: follow-up questions, the optional upstream generator, and the OpenAI protocol objects."""
