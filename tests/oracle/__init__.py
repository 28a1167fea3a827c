"""The importer oracle: generated projects are imported before and after prune and inline,
against a fake upstream at every supported version, and every module must still import
what it imported before — or the codemod's report must list it."""
