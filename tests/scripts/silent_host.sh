#!/bin/sh
# A "host" that starts but never connects.
exec sleep 60
