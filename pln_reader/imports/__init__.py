"""Pure readers of other read-later services' export files (Pocket, Instapaper, Wallabag, ...):
bytes in, typed records out, one module per format, no I/O of their own; they import only core/.
"""
