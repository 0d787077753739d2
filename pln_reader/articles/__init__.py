"""The article pipeline: a fetched page -> its readable full text (trafilatura) and a status
that says why when there is none. May import feeds/, opml/, net/, store/ and core/."""
