"""Analysis over the store: cross-province comparison, indicator taxonomy, citation graph."""
