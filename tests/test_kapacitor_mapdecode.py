"""The one mapstructure decoder (services/mapdecode.py) as the local topic-handler kinds use it:
Kapacitor's ``decodeOptions`` texts with the HandlerConfig types of services/alert/handlers.go."""
import pytest

from machstore.kapacitor import services
from machstore.kapacitor.services import HandlerError


def _decode(kind, options):
    return services.service(kind).decode(options)


def test_tcp_unknown_key_has_kapacitors_text():
    with pytest.raises(HandlerError) as info:
        _decode("tcp", {"address": "127.0.0.1:9", "foo": 1})
    assert str(info.value) == ("failed to decode options into *alert.TCPHandlerConfig: 1 error(s) decoding:\n\n"
                               "* '' has invalid keys: foo")


def test_log_mode_and_exec_args_errors():
    with pytest.raises(HandlerError) as info:
        _decode("log", {"path": "/tmp/x.log", "mode": -1})
    assert str(info.value) == ("failed to decode options into *alert.LogHandlerConfig: 1 error(s) decoding:\n\n"
                               "* cannot parse 'mode', -1.000000 overflows uint")
    with pytest.raises(HandlerError) as info:
        _decode("exec", {"prog": "/bin/true", "args": "x", "Prog": 1})
    assert str(info.value) == ("failed to decode options into *alert.ExecHandlerConfig: 2 error(s) decoding:\n\n"
                               "* '' has invalid keys: Prog\n"
                               "* 'args': source data must be an array or slice, got string")


def test_post_headers_and_timeout_are_typed():
    with pytest.raises(HandlerError) as info:
        _decode("post", {"url": "http://x", "headers": {"A": 1}, "timeout": "10s"})
    assert str(info.value) == (
        "failed to decode options into *httppost.HandlerConfig: 2 error(s) decoding:\n\n"
        "* 'headers[A]' expected type 'string', got unconvertible type 'float64', value: '1'\n"
        "* 'timeout' expected type 'time.Duration', got unconvertible type 'string', value: '10s'")
    assert _decode("post", {"URL": "http://x", "timeout": 2.5e9}) == {"url": "http://x", "timeout": 2500000000}


def test_null_leaves_the_default():
    assert _decode("tcp", {"address": None}) == {}
    assert _decode("exec", {"prog": "/bin/echo", "args": ["a", None]}) == {"prog": "/bin/echo", "args": ["a", ""]}
