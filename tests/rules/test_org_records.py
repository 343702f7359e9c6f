"""The read-only org rows (domain/org/records.py) hold exactly the tables' columns."""

from domain.org.models import Department, Employee
from domain.org.records import DepartmentRecord, EmployeeRecord


def test_records_have_the_tables_columns_in_order() -> None:
    assert EmployeeRecord._fields == tuple(column.name for column in Employee.__table__.columns)
    assert DepartmentRecord._fields == tuple(column.name for column in Department.__table__.columns)
