"""``compatlint walk``: run each launch script, wait until ready, probe it, tear it all down.

Layout: :mod:`.config` validates ``[tool.compatlint.walk]``, :mod:`.gpus` reads GPU needs and
counts GPUs, :mod:`.processes` starts scripts and ends (by marker, never by name) everything
they started, :mod:`.probes` checks a running server, :mod:`.walk` runs the scripts one by one,
:mod:`.report` renders the results and :mod:`.command` is the click command.
"""
