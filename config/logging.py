"""Logging filter that keeps protected health information out of log files.

Patient search happens through query strings (``/patients/?q=...``) and form posts carry
names and birth dates. Log records therefore keep only the path of a URL, never its query
string, and never the request object (which Django's error handlers would otherwise format)."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"']*")


def redact(text: str) -> str:
    return _QUERY.sub("?[redacted]", text)


class RedactPHIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
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
