"""The name model: what a module binds and exports, and which uses refer to which binding.

Every part of compatlint that asks "what does this name refer to" asks here: the analysis
and rules (``__all__``, re-exports), the codemods (which importer uses a shim binding) and
verify (does an upstream module bind a name).
"""
