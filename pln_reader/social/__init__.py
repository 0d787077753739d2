"""Social sources: Mastodon lists and hashtags, Bluesky lists, and your own posts (own_posts).
Posts become entries of the links they share, with the sharer and their words kept.
May import feeds/, opml/, net/, store/ and core/."""

SOCIAL_KINDS = ("mastodon_list", "mastodon_tag", "bluesky_list")
