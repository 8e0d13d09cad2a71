"""A real leak in CPython 3.11.2: an OSError subclass that sets filename and filename2 before
calling OSError.__init__.

For a subclass that defines __init__ but not __new__, OSError.__new__ leaves the fields to
OSError.__init__, and its oserror_init (Objects/exceptions.c) assigns self->filename and
self->filename2 (when it is given them) with no release of what they held, as it does
self->myerrno and self->strerror. So the objects the subclass stored there first are leaked: one
reference each, and nothing refers to them any more.

Here a small copy job copies files between two temporary folders; each failure raises CopyError,
which first records the source and destination as FileRef objects, then calls OSError.__init__
with the error number, message and both paths as strings, which replace them. Every failure leaks
its two FileRef objects. The job copies COPIES files, MISSING of which do not exist.

Prints "copy failed: <repr of the error> <address of source> <address of destination>" per
failure, then a summary. With --skip-leak CopyError
calls OSError.__init__ first and sets its FileRef attributes afterwards: the same work, no leak.
"""
import errno
import hashlib
import os
import shutil
import sys
import tempfile

skip_leak = "--skip-leak" in sys.argv[1:]

COPIES = 8
MISSING = 3


class FileRef:
    """A file the job refers to: its path and the part it plays."""

    def __init__(self, path, role):
        self.path = path
        self.role = role

    def __fspath__(self):
        return self.path


class CopyError(OSError):
    def __init__(self, source, destination, cause):
        if skip_leak:
            super().__init__(cause.errno, cause.strerror, os.fspath(source), None, os.fspath(destination))
            self.source, self.destination = source, destination
            return
        self.filename = source
        self.filename2 = destination
        super().__init__(cause.errno, cause.strerror, os.fspath(source), None, os.fspath(destination))


def copy(source, destination):
    try:
        shutil.copyfile(source, destination)
    except FileNotFoundError as cause:
        raise CopyError(source, destination, cause) from None
    with open(destination, "rb") as copied:
        return hashlib.sha256(copied.read()).hexdigest()


with tempfile.TemporaryDirectory(prefix="leakscope-oserror-") as root:
    inbox = os.path.join(root, "inbox")
    outbox = os.path.join(root, "outbox")
    os.mkdir(inbox)
    os.mkdir(outbox)
    names = [f"report-{i}.csv" for i in range(COPIES)]
    for i, name in enumerate(names[MISSING:]):
        with open(os.path.join(inbox, name), "w") as f:
            f.write("".join(f"{i},{j},{i * j}\n" for j in range(100)))

    digests = {}
    failures = []
    for name in names:
        source = FileRef(os.path.join(inbox, name), "source")
        destination = FileRef(os.path.join(outbox, name), "destination")
        try:
            digests[name] = copy(source, destination)
        except CopyError as error:
            assert error.errno == errno.ENOENT and error.filename == source.path, error
            assert error.filename2 == destination.path, error
            failures.append(str(error))
            print(f"copy failed: {error!r} {hex(id(source))} {hex(id(destination))}")
    copied = sorted(os.listdir(outbox))

assert len(failures) == MISSING and len(digests) == COPIES - MISSING, (failures, digests)
assert copied == sorted(names[MISSING:]), copied
print(f"oserror: {len(digests)} files copied, {len(failures)} failures")
