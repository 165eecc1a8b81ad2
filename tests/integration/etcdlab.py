"""Real etcd processes, a throwaway PKI and an ansible-playbook runner for the integration tests."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ansible_collections.quorum.etcd.plugins.module_utils.config_file import config_file
from ansible_run import ansible_playbook

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache"
COLLECTIONS = CACHE / "collections"
VERSIONS = ("3.4.23", "3.5.16")
ROOT_PASSWORD = "r00t-Secret"
CLIENT_PORT = 23790
PEER_PORT = 23800
# The roles' defaults that are plain values (the others are templates, filled in per member by Cluster.settings).
ROLE_DEFAULTS = {name: value for defaults in sorted((REPO / "roles").glob("*/defaults/main.yml"))
                 for name, value in yaml.safe_load(defaults.read_text()).items()
                 if not (isinstance(value, str) and "{{" in value)}
# What the tests change from the role defaults: faster elections, a smaller quota, etcd's log on stderr.
TEST_SETTINGS = {
    "etcd_heartbeat_interval": 50,
    "etcd_election_timeout": 500,
    "etcd_quota_backend_bytes": 256 * 1024 * 1024,
    "etcd_log_level": "warn",
    "etcd_log_output": "stderr",
}


MEMBER_CN = "quorum-member"


def bin_dir(version: str) -> Path:
    return CACHE / "etcd" / f"v{version}"


class Loopback:
    """Hands out distinct 127.0.0.x addresses so that clusters never share a socket."""

    next_octet = 21

    @classmethod
    def take(cls, count: int) -> list[str]:
        """``count`` addresses whose client and peer ports are free (another test run may hold some)."""
        taken = []
        while len(taken) < count:
            if cls.next_octet > 250:
                raise RuntimeError("ran out of loopback addresses")
            ip = f"127.0.0.{cls.next_octet}"
            cls.next_octet += 1
            if all(cls.free(ip, port) for port in (CLIENT_PORT, PEER_PORT)):
                taken.append(ip)
        return taken

    @staticmethod
    def free(ip: str, port: int) -> bool:
        with socket.socket() as sock:
            try:
                sock.bind((ip, port))
            except OSError:
                return False
        return True


# --- PKI -------------------------------------------------------------------------------------------

def _key():
    return ec.generate_private_key(ec.SECP256R1())


def _write(path: Path, key, cert) -> None:
    path.with_suffix(".key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _builder(subject: x509.Name, issuer: x509.Name, key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=2)))


@dataclass
class Pki:
    directory: Path

    @property
    def ca(self) -> str:
        return str(self.directory / "ca.crt")

    def cert(self, name: str) -> str:
        return str(self.directory / f"{name}.crt")

    def key(self, name: str) -> str:
        return str(self.directory / f"{name}.key")

    @classmethod
    def create(cls, directory: Path) -> "Pki":
        directory.mkdir(parents=True, exist_ok=True)
        ca_key = _key()
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "quorum-etcd test CA")])
        ca = (_builder(ca_name, ca_name, ca_key)
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .sign(ca_key, hashes.SHA256()))
        _write(directory / "ca", ca_key, ca)
        sans = [x509.DNSName("localhost")] + [
            x509.IPAddress(ipaddress.ip_address(f"127.0.0.{n}")) for n in range(1, 255)]
        # The member certificate also serves as a client certificate: etcd's JSON gateway dials its
        # own gRPC server with it when client-cert-auth is on.
        usages = {
            "member": [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
            "client": [ExtendedKeyUsageOID.CLIENT_AUTH],
        }
        # With auth enabled and client-cert-auth on, etcd refuses JSON gateway requests whose client
        # certificate has a CommonName ("CommonName of client sending a request against gateway will be
        # ignored"), so the client certificate carries an organisation only.
        subjects = {
            "member": x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, MEMBER_CN)]),
            "client": x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "quorum-etcd client")]),
        }
        for name, eku in usages.items():
            key = _key()
            builder = _builder(subjects[name], ca.subject, key).add_extension(
                x509.ExtendedKeyUsage(eku), critical=False)
            if name == "member":
                builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
            _write(directory / name, key, builder.sign(ca_key, hashes.SHA256()))
        # The key pair that signs the members' JWT auth tokens (etcd_auth_token: jwt, the default).
        jwt_key = _key()
        (directory / "jwt-key.pem").write_bytes(jwt_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        (directory / "jwt.pub").write_bytes(jwt_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
        return cls(directory)


# --- etcd processes --------------------------------------------------------------------------------

@dataclass
class Member:
    name: str
    ip: str
    data_dir: Path
    process: subprocess.Popen | None = None

    @property
    def client_url(self) -> str:
        return f"https://{self.ip}:{CLIENT_PORT}"

    @property
    def peer_url(self) -> str:
        return f"https://{self.ip}:{PEER_PORT}"


@dataclass
class Cluster:
    version: str
    pki: Pki
    workdir: Path
    members: list[Member] = field(default_factory=list)
    token: str = "quorum-test"
    started_at: float = 0.0
    # etcd_extra_config entries for every member this cluster starts.
    extra_config: dict = field(default_factory=dict)

    @property
    def endpoints(self) -> list[str]:
        return [m.client_url for m in self.members if m.process and m.process.poll() is None]

    @property
    def initial_cluster(self) -> str:
        return ",".join(f"{m.name}={m.peer_url}" for m in self.members)

    def member_dir(self, member: Member) -> Path:
        """Where a member's configuration file and certificates live (beside, not in, its data dir)."""
        return self.workdir / f"{member.name}.etc"

    def install_certs(self, certs: Path) -> None:
        """The throwaway PKI laid out as the etcd_pki role lays out etcd_certs_path."""
        certs.mkdir(parents=True, exist_ok=True)
        p = self.pki
        for name, source in (("ca.pem", p.ca), ("etcd.pem", p.cert("member")), ("etcd-key.pem", p.key("member")),
                             ("peer.pem", p.cert("member")), ("peer-key.pem", p.key("member")),
                             ("jwt-key.pem", str(p.directory / "jwt-key.pem")), ("jwt.pub", str(p.directory / "jwt.pub"))):
            shutil.copyfile(source, certs / name)

    def settings(self, member: Member, state: str, initial_cluster: str | None = None,
                 extra_config: dict | None = None) -> dict:
        """The role settings of a member: the role defaults, this member's URLs and paths, TEST_SETTINGS."""
        return dict(
            ROLE_DEFAULTS, **TEST_SETTINGS,
            etcd_version=self.version, etcd_name=member.name, etcd_data_dir=str(member.data_dir),
            etcd_certs_path=str(self.member_dir(member) / "certs"),
            etcd_log_dir=str(self.member_dir(member) / "log"),
            etcd_listen_client_urls=[member.client_url], etcd_advertise_client_urls=[member.client_url],
            etcd_listen_peer_urls=[member.peer_url], etcd_advertise_peer_urls=[member.peer_url],
            etcd_listen_metrics_urls=[],
            etcd_initial_cluster=initial_cluster or self.initial_cluster,
            etcd_initial_cluster_token=self.token, etcd_initial_cluster_state=state,
            etcd_extra_config={**self.extra_config, **(extra_config or {})},
        )

    def write_config(self, member: Member, state: str, initial_cluster: str | None = None,
                     extra_config: dict | None = None) -> Path:
        """Writes the member's etcd configuration file, built by config_file() as the etcd_config role does."""
        self.install_certs(self.member_dir(member) / "certs")
        path = self.member_dir(member) / "config.yaml"
        # The peer port takes the members' certificates only (their common name), as the roles set it up.
        config = config_file(self.settings(member, state, initial_cluster, extra_config), peer_common_name=MEMBER_CN)
        path.write_text(yaml.safe_dump(config, indent=2, sort_keys=False, default_flow_style=False))
        return path

    def start_member(self, member: Member, state: str, initial_cluster: str | None = None,
                     extra_config: dict | None = None) -> None:
        """Starts etcd with --config-file only; extra_config adds etcd_extra_config entries for this start."""
        path = self.write_config(member, state, initial_cluster, extra_config)
        args = [str(bin_dir(self.version) / "etcd"), "--config-file", str(path)]
        log = open(self.workdir / f"{member.name}.log", "ab")
        member.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def add(self, count: int) -> list[Member]:
        new = []
        for ip in Loopback.take(count):
            name = f"m{ip.rsplit('.', 1)[1]}"
            new.append(Member(name, ip, self.workdir / name))
        return new

    def start(self, size: int, auth: bool = True) -> "Cluster":
        self.members = self.add(size)
        for member in self.members:
            self.start_member(member, "new")
        self.wait_healthy()
        for member in self.members:
            self.check_gateway(member)
        self.started_at = time.monotonic()
        if auth:
            for cmd in (["user", "add", f"root:{ROOT_PASSWORD}"], ["role", "add", "root"],
                        ["user", "grant-role", "root", "root"], ["auth", "enable"]):
                self.etcdctl(*cmd, auth=False)
        return self

    def settle(self, seconds: float = 5.5) -> None:
        """etcd refuses membership changes ("unhealthy cluster") until its peers have been connected 5 s."""
        time.sleep(max(0.0, self.started_at + seconds - time.monotonic()))

    def etcdctl(self, *args: str, auth: bool = True, endpoints: list[str] | None = None) -> str:
        cmd = [str(bin_dir(self.version) / "etcdctl"), "--endpoints", ",".join(endpoints or self.endpoints),
               "--cacert", self.pki.ca, "--cert", self.pki.cert("client"), "--key", self.pki.key("client")]
        if auth:
            cmd += ["--user", f"root:{ROOT_PASSWORD}"]
        res = subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60,
                             env=dict(os.environ, ETCDCTL_API="3"), check=False)
        if res.returncode:
            raise RuntimeError(f"etcdctl {' '.join(args)} failed: {res.stderr}")
        return res.stdout

    def wait_healthy(self, members: list[Member] | None = None, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for member in members or self.members:
            while True:
                if member.process.poll() is not None:
                    raise RuntimeError(f"etcd {member.name} exited; see {self.workdir / member.name}.log")
                try:
                    if self.get(member, "/health").get("health") == "true":
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"etcd {member.name} not healthy after {timeout}s")
                time.sleep(0.1)

    def get(self, member: Member, path: str, body: dict | None = None) -> dict:
        """GET path, or POST body as JSON when given, with the client certificate."""
        import ssl
        ctx = ssl.create_default_context(cafile=self.pki.ca)
        ctx.load_cert_chain(self.pki.cert("client"), self.pki.key("client"))
        request = urllib.request.Request(member.client_url + path)
        if body is not None:
            request = urllib.request.Request(member.client_url + path, data=json.dumps(body).encode(),
                                             headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, context=ctx, timeout=5) as resp:
            return json.load(resp)

    def check_gateway(self, member: Member) -> None:
        """The member serves the v3 JSON gateway the modules use (etcd 3.4 serves it from a file only when
        the file says enable-grpc-gateway)."""
        try:
            status = self.get(member, "/v3/maintenance/status", {})
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"etcd {member.name} serves no v3 JSON gateway: {exc}") from exc
        if "header" not in status:
            raise RuntimeError(f"etcd {member.name}: unexpected gateway answer {status}")

    def stop_member(self, member: Member) -> None:
        if member.process and member.process.poll() is None:
            os.killpg(member.process.pid, signal.SIGKILL)
            member.process.wait()

    def stop(self) -> None:
        for member in self.members:
            self.stop_member(member)

    def conn(self, **extra) -> dict:
        """Module arguments that reach this cluster with TLS, client certificate and root's password."""
        args = {"endpoints": self.endpoints, "ca_cert": self.pki.ca, "client_cert": self.pki.cert("client"),
                "client_key": self.pki.key("client"), "user": "root", "password": ROOT_PASSWORD, "timeout": 5}
        args.update(extra)
        return args


# --- ansible-playbook ------------------------------------------------------------------------------

def old_python() -> str | None:
    """A Python 3.9 to run modules with, as on an older managed host (QUORUM_PY39 or a pyenv install)."""
    candidates = [os.environ.get("QUORUM_PY39", ""), shutil.which("python3.9") or ""]
    candidates += sorted(str(p) for p in Path(os.path.expanduser("~/.pyenv/versions")).glob("3.9*/bin/python3.9"))
    for candidate in filter(None, candidates):
        if subprocess.run([candidate, "-c", "import sys; assert sys.version_info[:2] == (3, 9)"],
                          capture_output=True, check=False).returncode == 0:
            return candidate
    return None


def run_tasks(tasks: list[dict], check: bool = False, diff: bool = False, env: dict | None = None,
              python: str | None = None) -> list[dict]:
    """Runs the tasks on localhost in one play and returns each task's result (failures included)."""
    work = Path(tempfile.mkdtemp(prefix="quorum-play-"))
    try:
        play = [{"hosts": "localhost", "gather_facts": False, "tasks": [
            dict(task, ignore_errors=True) for task in tasks]}]
        (work / "play.yml").write_text(yaml.safe_dump(play))
        (work / "ansible.cfg").write_text("[defaults]\nretry_files_enabled = false\n")  # not the repo's
        cmd = ["-i", "localhost,", "-c", "local", "-e", f"ansible_python_interpreter={python or sys.executable}",
               str(work / "play.yml")]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        # No ETCDCTL_* of this process's: the modules would take them as defaults.
        full_env: dict[str, str | None] = {key: None for key in os.environ if key.startswith("ETCDCTL_")}
        full_env.update(ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_LOCAL_TEMP=str(work / "tmp"),
                        ANSIBLE_HOME=str(work / "home"), ANSIBLE_DEPRECATION_WARNINGS="0",
                        ANSIBLE_CONFIG=str(work / "ansible.cfg"))
        full_env.update(env or {})
        started = time.monotonic()
        res = ansible_playbook(cmd, env=full_env, timeout=300, cwd=work)
        print("ansible-playbook: %d task(s) in %.1fs" % (len(tasks), time.monotonic() - started))
        try:
            report = json.loads(res.stdout)
        except ValueError as exc:
            raise AssertionError(f"ansible-playbook output is not JSON: {res.stdout}\n{res.stderr}") from exc
        results = [t["hosts"]["localhost"] for p in report["plays"] for t in p["tasks"]]
        assert len(results) == len(tasks), res.stdout
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run_one(module: str, args: dict, **kwargs) -> dict:
    return run_tasks([{module: args}], **kwargs)[0]
