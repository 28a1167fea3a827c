"""servo: an inference serving backend on top of the SGLang runtime."""
