"""Recommendation models, the post-purchase policy and the shelves served from them."""
