"""Log records never carry query strings (patient searches) or request objects."""

import logging

from config.logging import RedactPHIFilter


def record(msg, *args, **extra):
    r = logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)
    for k, v in extra.items():
        setattr(r, k, v)
    return r


def test_query_strings_are_redacted_from_messages_and_arguments():
    f = RedactPHIFilter()
    r = record('"%s" %s %s', "GET /patients/?q=Zebulon+Quintessa HTTP/1.1", "200", "512")
    f.filter(r)
    assert "Zebulon" not in r.getMessage()
    assert "/patients/?[redacted]" in r.getMessage()
    r = record("Not Found: /patients/?q=1979-08-14")
    f.filter(r)
    assert "1979" not in r.getMessage()


def test_request_objects_are_dropped():
    r = record("Internal Server Error: /x/", request=object())
    RedactPHIFilter().filter(r)
    assert r.request is None


def test_paths_of_pages_not_found_are_withheld():
    r = record("Not Found: %s", "/nowhere/Quintessa/", status_code=404)
    RedactPHIFilter().filter(r)
    assert "Quintessa" not in r.getMessage()


def test_template_debug_records_are_dropped():
    r = logging.LogRecord("django.template", logging.DEBUG, __file__, 1, "context %s", ("x",), None)
    assert RedactPHIFilter().filter(r) is False


def test_runserver_request_lines_go_through_the_filter(capsys, settings):
    """`make run` serves with runserver: its request log keeps no search terms either."""
    import logging.config

    from django.conf import settings as live

    logging.config.dictConfig(live.LOGGING)
    try:
        logging.getLogger("django.server").info(
            '"%s" %s %s', "GET /patients/?q=Zebulon+Quintessa HTTP/1.1", "200", "512"
        )
        logged = capsys.readouterr().err
        assert "/patients/?[redacted]" in logged
        assert "Zebulon" not in logged
    finally:
        logging.config.dictConfig(live.LOGGING)
