"""Loaders: one per template family, each turning files into the model (see ``interface``)."""
