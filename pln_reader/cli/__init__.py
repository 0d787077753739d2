"""The `pln` command line: the group and its commands (main), one module per family of commands.
May import library/ and core/ only, and ui/ lazily, in one place, to open the app."""
