"""Widgets display what they are given and post messages; screens wire them, no widget fetches."""
