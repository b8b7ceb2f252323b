#!/bin/sh
# A stand-in for a cluster launcher (srun, ssh): records that it ran, then
# runs the command it was given with an empty environment, as a remote
# shell would.
echo "launched: $*" >> "${FAKE_LAUNCHER_LOG:-/dev/null}"
exec env -i "$@"
