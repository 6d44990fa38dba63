"""A scripted CalDAV session with the Python `caldav` library (not ours), for
e2e/caldav-clients.test.ts: discover, list calendars, create, modify, complete and delete
todos, sync-collection deltas, and an ETag conflict answered 412. Exits non-zero on the first
broken expectation; prints one JSON line of what it saw."""
import json
import os
import sys
from datetime import date

import caldav

base, email, password = os.environ["CALDAV_URL"], os.environ["CALDAV_USER"], os.environ["CALDAV_PASSWORD"]
seen = {}


def check(condition, message):
    if not condition:
        print(f"FAILED: {message}; seen so far: {json.dumps(seen, default=str)}", file=sys.stderr)
        sys.exit(1)


with caldav.DAVClient(url=base, username=email, password=password, require_tls=False) as client:
    principal = client.principal()
    calendars = principal.calendars()
    seen["calendars"] = sorted(c.get_display_name() for c in calendars)
    check("Inbox" in seen["calendars"] and "Python" in seen["calendars"], "the Inbox and the Python project are calendars")
    cal = next(c for c in calendars if c.get_display_name() == "Python")
    check(cal.get_supported_components() == ["VTODO"], "a calendar holds VTODOs")

    before = cal.objects_by_sync_token(load_objects=False)
    token = before.sync_token
    seen["initial"] = len(list(before))

    keep = cal.save_todo(summary="Buy milk", due=date(2026, 12, 24), priority=1, categories=["shop"], uid="py-milk")
    gone = cal.save_todo(summary="Throw away", uid="py-gone")
    done = cal.save_todo(summary="Finish report", uid="py-report")
    seen["todos"] = sorted(str(t.icalendar_component["summary"]) for t in cal.todos())
    check(seen["todos"] == ["Buy milk", "Finish report", "Throw away"], "three open todos")

    keep.icalendar_component["summary"] = "Buy oat milk"
    keep.save()
    done.complete()
    gone.delete()
    check(str(cal.todo_by_uid("py-milk").icalendar_component["summary"]) == "Buy oat milk", "the modified summary reads back")
    seen["open"] = sorted(str(t.icalendar_component["summary"]) for t in cal.todos())
    check(seen["open"] == ["Buy oat milk"], "completed and deleted todos are not open")
    seen["all"] = sorted(str(t.icalendar_component["summary"]) for t in cal.todos(include_completed=True))
    check(seen["all"] == ["Buy oat milk", "Finish report"], "the completed todo is still there")

    delta = cal.objects_by_sync_token(sync_token=token, load_objects=False)
    urls = [str(o.url) for o in delta]
    seen["delta"] = sorted(u.rsplit("/", 1)[-1] for u in urls)
    check(any(u.endswith("py-milk.ics") for u in urls) and any(u.endswith("py-report.ics") for u in urls), "changed todos in the delta")
    check(any(u.endswith("py-gone.ics") for u in urls), "the deleted todo is in the delta (as gone)")

    # An ETag conflict: a write with an ETag the server no longer has is refused.
    stale = cal.todo_by_uid("py-milk")
    stale_etag = client.request(str(stale.url), "GET").headers.get("etag")
    check(bool(stale_etag), "GET answers an ETag")
    fresh = cal.todo_by_uid("py-milk")
    fresh.icalendar_component["summary"] = "Buy soy milk"
    fresh.save()
    body = stale.data.replace("Buy oat milk", "Buy rice milk")
    answer = client.request(str(stale.url), "PUT", body, {"If-Match": stale_etag, "Content-Type": "text/calendar"})
    seen["conflict"] = answer.status
    check(answer.status == 412, "a stale If-Match is answered 412")
    check(str(cal.todo_by_uid("py-milk").icalendar_component["summary"]) == "Buy soy milk", "the stale write changed nothing")

print(json.dumps(seen, default=str))
