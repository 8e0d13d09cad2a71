"""An object whose __repr__ counts its calls, for the host's check of the type before it runs any."""


class Hostile:
    calls = 0

    def __repr__(self):
        Hostile.calls += 1
        return "<Hostile, repr called %d times>" % Hostile.calls


hostile = Hostile()
print("hostile %#x type %#x list type %#x" % (id(hostile), id(Hostile), id(list)), flush=True)
