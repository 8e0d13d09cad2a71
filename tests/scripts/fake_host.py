#!/usr/bin/python3
"""A misbehaving leakscope-host, for the GUI side's tests. FAKE_HOST_MODE says how it misbehaves:
garbage (random bytes), oversized (a header announcing a huge Hello), wrong-token (a valid Hello with
the wrong secret), bad-version (a Hello with protocol 99), truncated (half a Hello, then silence),
permissions (prints the permission bits of the socket and its folder, then leaves), second-connection
(a valid Hello for protocol FAKE_HOST_PROTOCOL, then prints whether a second connection to the socket
gets through once the first is welcomed)."""
import os
import socket
import struct
import sys
import time

path = sys.argv[sys.argv.index("--connect") + 1]
mode = os.environ.get("FAKE_HOST_MODE", "garbage")
token = os.environ.get("LEAKSCOPE_HOST_TOKEN", "")


def frame(kind, payload):
    return struct.pack("<IHH", len(payload), kind, 0) + payload


def text(value):
    data = value.encode()
    return struct.pack("<I", len(data)) + data


def hello(version, secret):
    return frame(1, struct.pack("<I", version) + text(secret) + text("3.11.2") + struct.pack("<q", os.getpid()))


if mode == "permissions":
    # Who may reach the socket: its folder's and its own permission bits.
    print("folder %o socket %o" % (os.stat(os.path.dirname(path)).st_mode & 0o777, os.stat(path).st_mode & 0o777),
          flush=True)
    sys.exit(0)

sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
sock.connect(path)
if mode == "garbage":
    sock.sendall(os.urandom(64))
elif mode == "oversized":
    sock.sendall(struct.pack("<IHH", 0xFFFFFFFF, 1, 0))
elif mode == "wrong-token":
    sock.sendall(hello(1, "not-the-token"))
elif mode == "bad-version":
    sock.sendall(hello(99, token))
elif mode == "truncated":
    sock.sendall(hello(1, token)[:10])
elif mode == "second-connection":
    sock.sendall(hello(int(os.environ["FAKE_HOST_PROTOCOL"]), token))
    header = sock.recv(8)
    print("answered with message type %d" % struct.unpack("<IHH", header)[1] if len(header) == 8 else "no answer",
          flush=True)
    other = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        other.connect(path)
        print("second connection: accepted", flush=True)
    except OSError as error:
        print("second connection: refused (%s)" % os.strerror(error.errno), flush=True)
time.sleep(60)
