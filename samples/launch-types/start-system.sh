#!/bin/sh
# The rest of the system, started by board.build's startup script.
PATH=/proc/boot:/usr/bin:/usr/sbin
on -T init_t -u 100 /usr/bin/example_app --config /etc/app.conf &
early-app &
qconn &
if [ -x /usr/bin/extra ]; then
    /usr/bin/extra &
fi
echo "system started"
