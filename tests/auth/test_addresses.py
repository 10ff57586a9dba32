from django.test import RequestFactory, override_settings

from casemgmt.auth.addresses import client_address

rf = RequestFactory()


def request(**meta):
    return rf.get("/", REMOTE_ADDR="10.0.0.5", **meta)


def test_without_proxies_the_header_is_ignored():
    assert client_address(request(HTTP_X_FORWARDED_FOR="1.2.3.4")) == "10.0.0.5"


@override_settings(CASEMGMT_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_appended_counts():
    # the client wrote 1.2.3.4 itself; the proxy appended what it saw, 203.0.113.7
    assert client_address(request(HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")) == "203.0.113.7"


@override_settings(CASEMGMT_PROXY_COUNT=2)
def test_behind_two_proxies_the_outer_ones_view_counts():
    meta = {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.7, 10.0.0.2"}
    assert client_address(request(**meta)) == "203.0.113.7"


@override_settings(CASEMGMT_PROXY_COUNT=2)
def test_a_request_that_skipped_a_proxy_or_carries_garbage_falls_back():
    assert client_address(request(HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.5"
    assert client_address(request(HTTP_X_FORWARDED_FOR="junk, 10.0.0.2")) == "10.0.0.5"


def test_the_lockout_counts_an_ipv6_client_by_its_network():
    from casemgmt.auth.addresses import lockout_address

    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff:1:2:3")
    elsewhere = rf.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert lockout_address(one) == lockout_address(other) == "2001:db8:1:2::"
    assert lockout_address(elsewhere) == "2001:db8:1:3::"
    assert lockout_address(rf.get("/", REMOTE_ADDR="::ffff:10.0.0.9")) == "10.0.0.9"
    assert lockout_address(request()) == "10.0.0.5"
    assert client_address(one) == "2001:db8:1:2:aaaa::1"  # the audit keeps the address
