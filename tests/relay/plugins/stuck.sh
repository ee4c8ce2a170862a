#!/bin/sh
# A write-policy plugin that reads its input and never answers: the relay must time it out.
cat > /dev/null
