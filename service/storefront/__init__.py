"""The demo storefront: static HTML, CSS and JavaScript the API serves at ``/`` (no build step)."""
