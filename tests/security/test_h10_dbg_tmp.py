from hypothesis import given, settings, HealthCheck
from tests.security.test_properties import csv_ledgers
from activities.importers import ledger_import
from collections import Counter
C = Counter()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(csv_ledgers("points"))
def test_dbg(x, agency, recorder, staff, secretary):
    data, _ = x
    r = ledger_import(ledger_type="points", data=data, filename="a.csv", organization=agency, user=recorder)
    C[(r.ok, len(r.rows), tuple(sorted({e.column for e in r.errors})))] += 1
    print(C.most_common(20))
