"""Text columns whose length limit the database enforces too, on SQLite as on PostgreSQL.

PostgreSQL enforces a varchar's length but not a text column's; SQLite enforces neither. So:
- LimitedCharField is a CharField (varchar(n)) that on SQLite adds a column CHECK
  (LENGTH(column) <= n);
- LimitedTextField is a TextField (a textarea in forms) stored as varchar(n), with the same CHECK
  on SQLite, and max_length validated on the model too (Django's TextField leaves it to the form).
The form side reads the same max_length (gangwei.formbase), so form, model and database agree.
"""

from django.core import validators
from django.db import models


class _LengthCheck:
    def db_check(self, connection):
        check = super().db_check(connection)
        if self.max_length is None or connection.vendor != "sqlite":
            return check
        length = f"LENGTH({connection.ops.quote_name(self.column)}) <= {int(self.max_length)}"
        return f"({check}) AND {length}" if check else length


class LimitedCharField(_LengthCheck, models.CharField):
    pass


class LimitedTextField(_LengthCheck, models.TextField):
    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)
        self.validators.append(validators.MaxLengthValidator(max_length))

    def db_type(self, connection):
        return f"varchar({int(self.max_length)})"  # PostgreSQL and SQLite alike
