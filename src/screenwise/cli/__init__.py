"""The ``screenwise`` command line: thin click commands over the library."""
