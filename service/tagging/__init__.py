"""The tag stage: vision results of catalogue articles, written to and read from the store."""
