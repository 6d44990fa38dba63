#!/usr/bin/env bash
# vdirsyncer syncs one project to a local folder, todoman edits there, vdirsyncer syncs back:
# for e2e/caldav-clients.test.ts. Args: <bin dir of the venv> <work dir> <project id> <step>
#   step "pull-and-add": discover, sync, add a todo with todoman, sync again
#   step "pull-and-list": sync, then list what todoman sees
set -euo pipefail
bin="$1" work="$2" project="$3" step="$4"
export VDIRSYNCER_CONFIG="$work/vdirsyncer.conf"
mkdir -p "$work/tasks" "$work/status"
cat >"$VDIRSYNCER_CONFIG" <<CONF
[general]
status_path = "$work/status/"

[pair todo]
a = "todo_local"
b = "todo_remote"
collections = ["$project"]

[storage todo_local]
type = "filesystem"
path = "$work/tasks/"
fileext = ".ics"

[storage todo_remote]
type = "caldav"
url = "$CALDAV_URL"
username = "$CALDAV_USER"
password = "$CALDAV_PASSWORD"
item_types = ["VTODO"]
CONF
cat >"$work/todoman.py" <<CONF
path = "$work/tasks/*"
date_format = "%Y-%m-%d"
time_format = "%H:%M"
default_list = "$project"
humanize = False
CONF
todo() { TODOMAN_CONFIG="$work/todoman.py" "$bin/todo" --config "$work/todoman.py" --porcelain "$@"; }

case "$step" in
  pull-and-add)
    # The local collection exists already, so discovery has nothing to ask.
    mkdir -p "$work/tasks/$project"
    "$bin/vdirsyncer" discover todo >/dev/null
    "$bin/vdirsyncer" sync
    todo new -l "$project" --priority 1 "Written in todoman" >/dev/null
    "$bin/vdirsyncer" sync
    ;;
  pull-and-list)
    "$bin/vdirsyncer" sync
    todo list --status ANY
    ;;
esac
