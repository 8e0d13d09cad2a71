"""Does some work, then dies of an uncaught ValueError: the report must still be written."""
totals = {}
for word in "the quick brown fox jumps over the lazy dog".split():
    totals[word] = totals.get(word, 0) + 1


def check(counts):
    if counts["the"] != 1:
        raise ValueError("planted failure: 'the' occurs %d times" % counts["the"])


check(totals)
