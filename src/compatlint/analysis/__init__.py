"""Pure analysis: source text in, facts out (shim sites, tags, imports, the stub list)."""
