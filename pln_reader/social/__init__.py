"""List-based social sources: Mastodon lists and hashtags, Bluesky lists, and your own posts.

Posts become entries of the links they share (card, external embed, link facet or a link in
the text), with the sharer and their words kept; posts without a link are kept per source.
"""

SOCIAL_KINDS = ("mastodon_list", "mastodon_tag", "bluesky_list")
