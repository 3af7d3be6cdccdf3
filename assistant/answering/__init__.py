"""The answer path: the question read once, then evidence, composition and checks."""
