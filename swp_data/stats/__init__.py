"""Statistics used to say whether a figure changed: Poisson E-test, proportions, Wilson intervals, SPC."""
