"""``EffectiveConfig.kapacitor_url``: Kapacitor's HTTPDService.URL() that pagerduty/pagerduty2 send
as ``client_url``, from the server's first bind address (``""`` until a process sets it)."""
import pytest

from machstore.kapacitor import config
from machstore.kapacitor.services import incident_common


@pytest.fixture
def listen():
    yield config.set_listen_address
    config.set_listen_address("")


def test_no_address_gives_empty_url(listen):
    listen("")
    assert config.view().kapacitor_url == ""
    assert incident_common.client_url(config.view()) == ""


@pytest.mark.parametrize("bind, url", [("127.0.0.1:9092", "http://127.0.0.1:9092/kapacitor/v1"),
                                       (":9092", "http://[::]:9092/kapacitor/v1"),
                                       ("[::1]:5657", "http://[::1]:5657/kapacitor/v1"),
                                       ("unix:/tmp/m.sock", "")])
def test_bind_address_gives_kapacitors_url(listen, bind, url):
    listen(bind)
    assert incident_common.client_url(config.view()) == url


def test_kapacitor_address_prefers_kapacitors_port():
    from machstore.kapacitor.config import kapacitor_address
    assert kapacitor_address(["127.0.0.1:5657", "127.0.0.1:9092"]) == "127.0.0.1:9092"
    assert kapacitor_address(["0.0.0.0:8080"]) == "0.0.0.0:8080"
    assert kapacitor_address([]) == ""
