"""The refresh engine: a run over due sources (run), the fetch -> parse pipeline in worker
processes (pipeline), subscribed OPML lists. May import articles/, social/ and the layers below."""
