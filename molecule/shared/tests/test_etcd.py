"""What an operator checks on a freshly deployed cluster, on every member."""

import base64
import ipaddress
import json
import os
import re
import shlex
import ssl
import urllib.error
import urllib.request
import uuid

import pytest
import testinfra.utils.ansible_runner
import yaml

RUNNER = testinfra.utils.ansible_runner.AnsibleRunner(os.environ["MOLECULE_INVENTORY_FILE"])
testinfra_hosts = RUNNER.get_hosts("etcd")

CERTS = "/etc/ssl/etcd"
# With authentication on (a scenario that sets it), the gateway clients and the modules act as root with it.
ROOT_PASSWORD = str(RUNNER.get_variables(testinfra_hosts[0]).get("etcd_root_password") or "")
PKI_DIR = os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "etcdcerts")


def hostvar(name, key):
    return RUNNER.get_variables(name)[key]


def bracketed(address):
    """The address as a URL holds it: an IPv6 address in brackets."""
    return "[%s]" % address if ":" in address else address


def client_url(name):
    """The URL the member's own clients use, as etcdctl.sh does: 127.0.0.1 unless etcd_use_localhost is off (the
    IPv6 scenario), then the member's address."""
    variables = RUNNER.get_variables(name)
    address = "127.0.0.1" if variables.get("etcd_use_localhost", True) else variables["etcd_address"]
    return "https://%s:2379" % bracketed(address)


def etcdctl(host, *args):
    """etcdctl against this member alone, as the admin (etcdctl's certificate, whose common name is root)."""
    return host.run(
        "ETCDCTL_API=3 etcdctl --endpoints {url} --cacert {c}/ca.pem --cert {c}/etcdctl.pem --key {c}/etcdctl-key.pem "
        "--command-timeout 5s {args}".format(url=client_url(host.backend.host), c=CERTS, args=" ".join(map(shlex.quote, args)))
    )


# A TLS client on the member, of the URL in argv[1]: prints the HTTP status, or the TLS error that ended the
# handshake.
HTTPS_GET = """
import ssl, sys, urllib.request
ctx = ssl.create_default_context(cafile="%s/ca.pem")
if len(sys.argv) > 2:
    ctx.load_cert_chain(sys.argv[2], sys.argv[3])
try:
    print(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=5).status)
except Exception as error:
    print("refused:", error)
""" % CERTS


def https_get(host, cert=None, key=None, url=None):
    """GET from the member of url (its client URL's /health by default), with the certificate if one is given."""
    url = url or client_url(host.backend.host) + "/health"
    if cert:
        return host.check_output("python3 -c %s %s %s %s", HTTPS_GET, url, cert, key)
    return host.check_output("python3 -c %s %s", HTTPS_GET, url)


# A JSON gateway client on the member, as the admin: POSTs each (path, body) in argv[1] to the member's URL in argv[3]
# and prints [status, answer] for each, the answer being etcd's JSON or, on an HTTP error, its text; with root's
# password in argv[2], with the token etcd gives for it.
GATEWAY_POST = """
import json, ssl, sys, urllib.error, urllib.request
ctx = ssl.create_default_context(cafile="%(c)s/ca.pem")
ctx.load_cert_chain("%(c)s/admin.pem", "%(c)s/admin-key.pem")
headers = {"Content-Type": "application/json"}
if sys.argv[2]:
    login = urllib.request.Request(sys.argv[3] + "/v3/auth/authenticate",
                                   json.dumps({"name": "root", "password": sys.argv[2]}).encode(), headers)
    with urllib.request.urlopen(login, context=ctx, timeout=5) as answer:
        headers["Authorization"] = json.load(answer)["token"]
answers = []
for path, body in json.loads(sys.argv[1]):
    request = urllib.request.Request(sys.argv[3] + path, json.dumps(body).encode(), headers)
    try:
        with urllib.request.urlopen(request, context=ctx, timeout=5) as answer:
            answers.append([answer.status, json.load(answer)])
    except urllib.error.HTTPError as error:
        answers.append([error.code, error.read().decode(errors="replace")])
print(json.dumps(answers))
""" % {"c": CERTS}


def gateway_post(host, *requests, password=ROOT_PASSWORD):
    return json.loads(host.check_output("python3 -c %s %s %s %s", GATEWAY_POST, json.dumps(requests), password,
                                        client_url(host.backend.host)))


def b64(text):
    return base64.b64encode(text.encode()).decode()


def etcd_module(host, module, **args):
    """One of the collection's modules run on the member with the admin certificate, as a playbook would."""
    args.update(ca_cert=CERTS + "/ca.pem", client_cert=CERTS + "/admin.pem", client_key=CERTS + "/admin-key.pem")
    args.setdefault("endpoints", [client_url(host.backend.host)])
    if ROOT_PASSWORD:
        args.update(user="root", password=ROOT_PASSWORD)
    result = host.ansible("quorum.etcd." + module, json.dumps(args), check=False, become=True)
    # testinfra reads ansible's --tree file, which since ansible-core 2.19 no longer says "failed": a failed
    # module is a result with only its msg (these modules return none on success).
    assert "msg" not in result, "%s failed: %s" % (module, result["msg"])
    return result


def member_config(host):
    """This member's name and peer URLs, as the role wrote them in etcd's configuration file."""
    config = yaml.safe_load(host.file("/etc/etcd/config.yaml").content_string)
    urls = config["initial-advertise-peer-urls"]
    return config["name"], urls.split(",") if isinstance(urls, str) else list(urls)


@pytest.fixture(scope="module")
def written_key():
    """A key written once through the first member."""
    first = testinfra.get_host("ansible://" + testinfra_hosts[0], ansible_inventory=os.environ["MOLECULE_INVENTORY_FILE"])
    key, value = "/molecule/%s" % uuid.uuid4().hex, uuid.uuid4().hex
    first.check_output("/etc/etcd/etcdctl.sh put %s %s", key, value)
    return key, value


def test_service_is_running_and_enabled(host):
    service = host.service("etcd")
    assert service.is_running
    assert service.is_enabled


def test_etcd_runs_confined_as_its_own_user(host):
    shown = host.check_output(
        "systemctl show etcd --property User,NoNewPrivileges,ProtectSystem,ProtectHome,PrivateTmp,CapabilityBoundingSet"
    )
    assert set(shown.splitlines()) >= {"User=etcd", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes",
                                       "PrivateTmp=yes", "CapabilityBoundingSet="}
    assert {p.user for p in host.process.filter(comm="etcd")} == {"etcd"}


def test_systemd_rates_the_unit_well_confined(host):
    # systemd's own rating of the unit's sandbox, from 0 (confined) to 10 (not at all); 4.4 before the hardening.
    report = host.check_output("systemd-analyze security --no-pager etcd.service")
    exposure = re.search(r"Overall exposure level for etcd\.service: (\d+\.\d+)", report)
    assert exposure, report
    assert float(exposure.group(1)) <= 2.0, report


def test_every_member_is_healthy_over_tls(host):
    # etcdctl.sh talks to every member with the admin certificate.
    result = host.run("/etc/etcd/etcdctl.sh endpoint health -w json")
    assert result.rc == 0, result.stderr
    assert result.stdout.count('"health":true') == len(testinfra_hosts)
    members = host.check_output("/etc/etcd/etcdctl.sh member list")
    assert len(members.splitlines()) == len(testinfra_hosts)


def test_metrics_and_health_are_served_at_the_metrics_port_and_nothing_else(host):
    """What a Prometheus scrapes and a load balancer probes: on the member's address, from here, and on 127.0.0.1
    unless etcd_use_localhost is off. Over TLS (etcd_metrics_scheme https, a scenario that sets it), to a client with
    Prometheus's certificate (etcd_monitoring_client) alone."""
    variables = RUNNER.get_variables(host.backend.host)
    scheme = variables.get("etcd_metrics_scheme", "http")
    url = "%s://%s:2381" % (scheme, bracketed(variables["etcd_address"]))
    context = None
    if scheme == "https":
        # Plain HTTP: etcd closes the connection.
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            urllib.request.urlopen("http://%s:2381/health" % bracketed(variables["etcd_address"]), timeout=5)
        # TLS without a client certificate: refused in the handshake (TLS 1.2) or at the first read (1.3).
        context = ssl.create_default_context(cafile=os.path.join(PKI_DIR, "ca.pem"))
        with pytest.raises((urllib.error.URLError, ssl.SSLError), match="(?i)certificate|handshake"):
            urllib.request.urlopen(url + "/health", context=context, timeout=5)
        client = variables["etcd_monitoring_client"]
        context.load_cert_chain(os.path.join(PKI_DIR, "clients", client + ".pem"),
                                os.path.join(PKI_DIR, "clients", client + "-key.pem"))
    with urllib.request.urlopen(url + "/metrics", context=context, timeout=5) as answer:
        assert re.search(r"^etcd_server_has_leader 1$", answer.read().decode(), re.M)
    with urllib.request.urlopen(url + "/health", context=context, timeout=5) as answer:
        assert json.loads(answer.read())["health"] == "true"
    with pytest.raises(urllib.error.HTTPError, match="404"):
        urllib.request.urlopen(url + "/v3/kv/range", data=b'{"key": "Lw=="}', context=context, timeout=5)
    if variables.get("etcd_use_localhost", True):
        local = host.check_output("python3 -c %s", "import urllib.request; print(urllib.request.urlopen("
                                  "'http://127.0.0.1:2381/health', timeout=5).read().decode())")
        assert json.loads(local)["health"] == "true"


def test_a_key_written_on_one_member_is_read_on_this_one(host, written_key):
    key, value = written_key
    # A serializable read answers from this member's own store.
    for _attempt in range(10):
        result = etcdctl(host, "get", key, "--consistency=s", "--print-value-only")
        if result.stdout.strip() == value:
            break
    assert result.stdout.strip() == value


def test_the_admin_certificate_is_accepted(host):
    assert https_get(host, CERTS + "/admin.pem", CERTS + "/admin-key.pem") == "200"


def test_a_client_without_certificate_is_refused(host):
    answer = https_get(host)
    assert answer.startswith("refused:"), answer
    assert any(alert in answer.upper() for alert in ("CERTIFICATE_REQUIRED", "HANDSHAKE_FAILURE", "BAD_CERTIFICATE")), answer


def test_a_certificate_from_another_ca_is_refused(host):
    host.check_output(
        "cd /tmp && openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=rogue-ca "
        "-keyout rogue-ca-key.pem -out rogue-ca.pem 2>/dev/null && "
        "openssl req -newkey rsa:2048 -nodes -subj /CN=root -keyout rogue-key.pem -out rogue.csr 2>/dev/null && "
        "openssl x509 -req -in rogue.csr -CA rogue-ca.pem -CAkey rogue-ca-key.pem -CAcreateserial "
        "-days 1 -out rogue.pem 2>/dev/null"
    )
    answer = https_get(host, "/tmp/rogue.pem", "/tmp/rogue-key.pem")
    assert answer.startswith("refused:"), answer
    assert any(alert in answer.upper() for alert in ("UNKNOWN_CA", "BAD_CERTIFICATE")), answer


def test_only_a_members_certificate_is_taken_on_the_peer_port(host):
    """A client's certificate from the same CA (etcdctl's) cannot act as a peer: the peer port requires the members'
    common name, on etcd 3.4 as on 3.5."""
    members = member_config(host)[1][0] + "/members"
    assert https_get(host, CERTS + "/peer.pem", CERTS + "/peer-key.pem", url=members) == "200"
    answer = https_get(host, CERTS + "/etcdctl.pem", CERTS + "/etcdctl-key.pem", url=members)
    assert answer.startswith("refused:") and "HTTP Error" not in answer, answer


@pytest.mark.parametrize("name", ["etcd-key.pem", "peer-key.pem", "jwt-key.pem"])
def test_member_keys_are_private_to_etcd(host, name):
    key = host.file(os.path.join(CERTS, name))
    assert key.mode == 0o600
    assert key.user == "etcd"


@pytest.mark.parametrize("name", ["admin-key.pem", "etcdctl-key.pem"])
def test_admin_keys_are_private_to_root(host, name):
    key = host.file(os.path.join(CERTS, name))
    assert (key.mode, key.user) == (0o600, "root")


def test_data_dir_is_private_to_etcd(host):
    data = host.file("/var/lib/etcd")
    assert data.mode == 0o700
    assert data.user == "etcd"
    assert host.file("/var/lib/etcd/member/wal").is_directory


def test_the_ca_key_is_on_no_member(host):
    with open(os.path.join(PKI_DIR, "ca-key.pem")) as handle:
        body = [line for line in handle.read().splitlines() if line and not line.startswith("-----")]
    # Any line of the key's body would give it away.
    probe = body[len(body) // 2]
    result = host.run("grep -rlF -- %s /etc /var /root /home /opt /usr/local /tmp", probe)
    assert result.rc == 1, "the CA key is on the member: %s" % result.stdout
    assert not host.file(os.path.join(CERTS, "ca-key.pem")).exists


def test_certificates_name_the_member_and_are_reported(host):
    hostvars = RUNNER.get_variables(host.backend.host)
    name, domain = host.backend.host, hostvars.get("etcd_domain_name", "")
    wanted = {"DNS:" + name, "IP Address:" + openssl_ip(hostvars["etcd_address"])}
    if hostvars.get("etcd_use_localhost", True):
        wanted |= {"DNS:localhost", "IP Address:127.0.0.1"}
    if domain:
        wanted |= {"DNS:%s.%s" % (name, domain)}
    if hostvars.get("etcd_use_dns"):
        wanted |= {"DNS:" + domain}
    for cert in ("etcd.pem", "peer.pem"):
        sans = host.check_output("openssl x509 -in %s/%s -noout -ext subjectAltName", CERTS, cert)
        assert wanted <= {san.strip() for san in sans.splitlines()[1].split(",")}, sans
    report = host.check_output("/etc/etcd/cert-show.sh")
    assert report.count("status: valid") == 5  # ca, etcd, peer, admin, etcdctl
    assert "EXPIRES" not in report


def openssl_ip(address):
    """The address as openssl prints it among a certificate's names: an IPv6 one in full, upper case."""
    if ":" not in address:
        return address
    return ":".join("%X" % int(group, 16) for group in ipaddress.IPv6Address(address).exploded.split(":"))


def test_extra_configuration_is_in_the_config_file(host):
    config = yaml.safe_load(host.file("/etc/etcd/config.yaml").content_string)
    for key, value in RUNNER.get_variables(host.backend.host).get("etcd_extra_config", {}).items():
        assert config[key] == value


def test_installed_version_is_the_one_asked_for(host):
    defaults = os.path.join(os.environ["MOLECULE_PROJECT_DIRECTORY"], "roles", "_common", "defaults", "main.yml")
    with open(defaults) as handle:
        default_version = yaml.safe_load(handle)["etcd_version"]
    wanted = str(RUNNER.get_variables(host.backend.host).get("etcd_version", default_version)).lstrip("v")
    assert "etcd Version: %s" % wanted in host.check_output("etcd --version")


def test_a_gateway_client_reads_and_writes(host):
    # etcd 3.4 started from a configuration file serves no gateway unless the file turns it on.
    key, value = "/molecule/gateway/%s" % uuid.uuid4().hex, uuid.uuid4().hex
    (put_status, put), (range_status, got) = gateway_post(
        host, ["/v3/kv/put", {"key": b64(key), "value": b64(value)}], ["/v3/kv/range", {"key": b64(key)}]
    )
    assert range_status != 404, "no JSON gateway on the client port: %s" % got
    assert (put_status, range_status) == (200, 200), (put, got)
    assert [base64.b64decode(kv["value"]).decode() for kv in got["kvs"]] == [value]
    # What the gateway wrote is what etcdctl reads.
    assert etcdctl(host, "get", key, "--print-value-only").stdout.strip() == value


def test_etcd_info_reports_every_inventory_member_healthy(host):
    info = etcd_module(host, "etcd_info")
    assert not info["changed"]
    assert info["cluster_id"]
    members = info["members"]
    assert {m["name"] for m in members} == {RUNNER.get_variables(h).get("etcd_name", h) for h in testinfra_hosts}
    assert [m["name"] for m in members if not m["healthy"]] == [], members
    assert {m["cluster_id"] for m in members} == {info["cluster_id"]}
    assert info["leader_name"] in {m["name"] for m in members}
    assert info["alarms"] == []
    assert all(e["healthy"] for e in info["endpoints"]), info["endpoints"]


def test_etcd_member_finds_this_member_as_configured(host):
    name, peer_urls = member_config(host)
    result = etcd_module(host, "etcd_member", state="present", name=name, peer_urls=peer_urls)
    assert not result["changed"], result["actions"]
    assert result["member"]["name"] == name and not result["member"]["is_learner"]
    assert sorted(result["member"]["peer_urls"]) == sorted(peer_urls)
    # The ID is the one etcd itself gives this member.
    listed = json.loads(etcdctl(host, "member", "list", "-w", "json").stdout)["members"]
    assert result["id_decimal"] == next(m["ID"] for m in listed if m["name"] == name)
    assert len(result["members"]) == len(testinfra_hosts)


def test_a_snapshot_is_saved_and_verified(host, written_key):
    backups = "/var/backups" if host.file("/var/backups").is_directory else "/tmp"
    path = "%s/molecule-%s.db" % (backups, uuid.uuid4().hex)
    try:
        saved = etcd_module(host, "etcd_snapshot", state="saved", path=path)
        assert saved["changed"] and saved["hash_valid"]
        assert saved["key_count"] >= 1 and saved["revision"] >= 1
        snapshot = host.file(path)
        assert (snapshot.size, snapshot.mode, snapshot.user) == (saved["size"], 0o600, "root")
        status = host.ansible("quorum.etcd.etcd_snapshot_info", json.dumps({"path": path}), check=False, become=True)
        assert status["valid"], status.get("status_error")
        assert not status["changed"] and status["sha256"] == saved["sha256"]
        # etcdctl/etcdutl read the file itself: it holds the revision taken, or one just after.
        assert status["revision_source"] == "snapshot" and status["revision"] >= saved["revision"]
    finally:
        host.run("rm -f %s", path)


def test_defrag_with_a_threshold_defragments_or_says_why_not(host):
    name = member_config(host)[0]
    result = etcd_module(host, "etcd_defrag", members=[name], threshold_bytes=4096)
    [member] = result["members"]
    assert member["name"] == name and member["reason"]
    assert result["changed"] == member["defragmented"]
    if member["defragmented"]:
        assert member["db_size_after"] <= member["db_size_before"]
    else:
        assert member["db_size_before"] - member["db_size_in_use_before"] <= 4096, member
    assert result["alarms"] == [] and result["disarmed"] == []


def test_etcdctl_wrapper_takes_flags_over_its_defaults(host):
    """etcdctl refuses a flag that its environment also sets; the wrapper lets the flag win."""
    url = client_url(host.backend.host)
    out = host.check_output("/etc/etcd/etcdctl.sh --endpoints=%s --command-timeout=5s endpoint health 2>&1" % url)
    assert "%s is healthy" % url in out
