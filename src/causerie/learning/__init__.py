"""What the spam and toxicity models share beyond features and reasons.

``linear_file``: the on-disk format of a linear model over the hashed n-grams.
``report``: the command line's verdict and evaluation output.
"""
