"""The several-machines test's data, written once into its PostgreSQL database (run with the app's settings):
the test's units and users (tests.conftest builders; password "pw"), a program with enough deliverables that
its PDF stocktake takes a worker a few seconds, and lead officers with email addresses for the reminders.
Prints the program's and the first deliverable's ids."""

import datetime as dt

import django

django.setup()

from tests.conftest import build_program, build_units, build_users, deliverable_maker  # noqa: E402

units = build_units()
users = build_users(units)
for key in ("snv", "stc"):
    users[key].email = f"{users[key].username}@example.vn"
    users[key].save()
program = build_program(users, units)
make = deliverable_maker(program, users, units)
first = make(lead="snv", deadline=dt.date(2021, 9, 30))
for n in range(120):
    make(lead="snv" if n % 2 else "stc", deadline=dt.date(2021, 9, 1) + dt.timedelta(days=n % 60),
         title=f"Đề án thử số {n + 2} về cải cách hành chính và chuyển đổi số của thành phố")
print(program.pk, first.pk)
