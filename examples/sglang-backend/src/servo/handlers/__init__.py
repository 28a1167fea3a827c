"""Request handlers: chat completions, embeddings and multimodal inputs."""
