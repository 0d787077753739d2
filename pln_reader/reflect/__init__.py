"""Reflection: the weekly "what I learned" report and the list review as data (report), and
one module per format (Markdown and JSON, HTML, Atom, the review). May import articles/, social/
and the layers below."""
