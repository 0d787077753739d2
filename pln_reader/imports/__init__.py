"""Pure readers of the export files of Pocket, Instapaper, Omnivore, Wallabag and Readwise:
an open file (or ZIP) in, typed records out, one module a format; they import only core/.
"""
