"""How the API reads its arguments: webargs' Flask parser with two of the house's rules.

- A request whose arguments fail validation is a 400 (the issue's "bad input is a 400 in the
  route's own format"), not webargs' default 422; the JSON error shape is ``errors.py``'s.
- A JSON body nested too deeply for Python's parser (``RecursionError``) is invalid JSON, a
  400, never a 500.
"""

from __future__ import annotations

import json

from webargs.flaskparser import FlaskParser


class ApiParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            error = json.JSONDecodeError("JSON nested too deeply", "", 0)
            return self._handle_invalid_json_error(error, req)
