"""The app's full screens: main (lists, links, preview), reader, search, help."""
