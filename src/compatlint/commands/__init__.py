"""The file and git I/O of each verb: read, plan, present, apply."""
