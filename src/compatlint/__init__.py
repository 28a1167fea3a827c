"""compatlint: keep a project's compat shim honest."""

__version__ = "0.1.0.dev0"
