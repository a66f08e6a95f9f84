"""The bridge from the catalogue store to the recommender (``recommender``).

``interactions`` reads the store's events as recommender data, shoppers' histories and the
fallback item facts; ``training`` runs the train stage and writes the artifact versions.
"""
