"""Logging filter that keeps protected health information out of log files.

Patient search happens through query strings (``/patients/?q=...``) and form posts carry
names and birth dates. Log records therefore keep only the path of a URL (ids, never names),
never its query string, never the path of a 404 (anything could have been typed there), and
never the request object (which Django's error handlers would otherwise format)."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


def redact(text: str) -> str:
    return _QUERY.sub("?[redacted]", text)


class RedactPHIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.template":
            return False  # its debug records dump whole template contexts, patients included
        if hasattr(record, "request"):
            record.request = None
        if getattr(record, "status_code", None) == 404:
            # A path nobody serves is whatever someone typed, names included: keep it out.
            record.msg, record.args = "Not Found: [path withheld]", ()
            return True
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, tuple):
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {
                    k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
                }
        return True
