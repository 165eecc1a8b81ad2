# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What etcd, the hosts and the cluster would refuse, found before any host is changed.

Each check returns problems as sentences that name the variable, say what is wrong and how to fix it.
``setting_problems`` needs only the settings; ``host_problems`` also what the host offers
(``etcd_host_info``); ``membership_problems`` what the running cluster is.
"""

from __future__ import annotations

import ipaddress
import os.path
import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.quorum.etcd.plugins.module_utils.release import release_architecture
from ansible_collections.quorum.etcd.plugins.module_utils.topology import is_ip
from ansible_collections.quorum.etcd.plugins.module_utils.etcd_config_keys import (
    CONFIG_KEYS, SUPPORTED_MINORS, is_tls_key, minor)

# What uname -m says on the machines etcd publishes releases for.
# etcd refuses an election timeout above this (etcdserver: maxElectionMs).
MAX_ELECTION_MS = 50000
# Names that become file names on the controller, URLs' member names or certificate names.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
DNS_NAME = re.compile(r"^(\*\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$")
UNIX_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
UNIT_NAME = re.compile(r"^[A-Za-z0-9:_.\\-]+$")
VERSION = re.compile(r"^v?([0-9]+)\.([0-9]+)\.([0-9]+)$")
# Go's time.ParseDuration, which etcd uses for a periodic retention with a unit.
GO_DURATION = re.compile(r"^(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|ms|s|m|h))+$")
# Directories that an etcd path must never be: the roles set owner and mode on the directories they manage.
SYSTEM_DIRS = frozenset("""
/ /bin /boot /dev /etc /home /lib /lib32 /lib64 /libx32 /media /mnt /opt /proc /root /run /sbin /srv /sys /tmp /usr /var
/etc/default /etc/ssl /etc/ssl/certs /etc/ssl/private /etc/pki /etc/systemd /etc/systemd/system /etc/security
/usr/bin /usr/sbin /usr/lib /usr/lib64 /usr/libexec /usr/local /usr/local/bin /usr/local/sbin /usr/local/lib /usr/share
/var/lib /var/log /var/run /var/tmp /var/cache /var/spool /var/mail /var/backups /var/opt /var/local
""".split())

# Configuration-file keys the collection writes from a variable: etcd_extra_config may not set them.
KEYS_FROM_VARIABLES = {
    "name": "etcd_name", "data-dir": "etcd_data_dir",
    "listen-client-urls": "etcd_listen_client_urls", "advertise-client-urls": "etcd_advertise_client_urls",
    "listen-peer-urls": "etcd_listen_peer_urls", "initial-advertise-peer-urls": "etcd_advertise_peer_urls",
    "listen-metrics-urls": "etcd_listen_metrics_urls",
    "initial-cluster": "etcd_initial_cluster", "initial-cluster-token": "etcd_initial_cluster_token",
    "discovery-srv": "etcd_discovery", "discovery-srv-name": "etcd_discovery_srv_name",
    "initial-cluster-state": "etcd_initial_cluster_state", "log-level": "etcd_log_level",
    "log-outputs": "etcd_log_output", "logger": "etcd_log_output",
    "snapshot-count": "etcd_snapshot_count", "heartbeat-interval": "etcd_heartbeat_interval",
    "election-timeout": "etcd_election_timeout", "max-snapshots": "etcd_max_snapshots", "max-wals": "etcd_max_wals",
    "max-txn-ops": "etcd_max_txn_ops", "max-request-bytes": "etcd_max_request_bytes",
    "grpc-keepalive-min-time": "etcd_grpc_keepalive_min_time",
    "grpc-keepalive-interval": "etcd_grpc_keepalive_interval",
    "grpc-keepalive-timeout": "etcd_grpc_keepalive_timeout",
    "backend-batch-limit": "etcd_backend_batch_limit", "backend-batch-interval": "etcd_backend_batch_interval",
    "backend-bbolt-freelist-type": "etcd_backend_bbolt_freelist_type",
    "experimental-backend-bbolt-freelist-type": "etcd_backend_bbolt_freelist_type",
    "quota-backend-bytes": "etcd_quota_backend_bytes", "auto-compaction-mode": "etcd_auto_compaction_mode",
    "auto-compaction-retention": "etcd_auto_compaction_retention",
    "auth-token": "etcd_auth_token", "auth-token-ttl": "etcd_auth_token_ttl",
    "cipher-suites": "etcd_tls_cipher_suites", "tls-min-version": "etcd_tls_min_version",
    "enable-grpc-gateway": "the collection (the modules need the JSON gateway)",
}

# Variables that are lists: a string there would be taken letter by letter.
LIST_VARIABLES = ("etcd_listen_client_urls", "etcd_advertise_client_urls", "etcd_listen_peer_urls",
                  "etcd_advertise_peer_urls", "etcd_listen_metrics_urls", "etcd_pki_extra_sans", "etcd_clients")
# (variable, lowest, highest or None, what the value means)
INTEGER_RANGES: Tuple[Tuple[str, int, Optional[int], str], ...] = (
    ("etcd_heartbeat_interval", 1, None, "milliseconds"),
    ("etcd_election_timeout", 1, MAX_ELECTION_MS, "milliseconds; etcd refuses more than 50000"),
    ("etcd_snapshot_count", 1, None, "applied entries between snapshots"),
    ("etcd_max_snapshots", 0, None, "snapshot files kept; 0 keeps all"),
    ("etcd_max_wals", 0, None, "WAL files kept; 0 keeps all"),
    ("etcd_max_txn_ops", 1, None, "operations in one transaction"),
    ("etcd_max_request_bytes", 1, 2 ** 31 - 1, "bytes"),
    ("etcd_grpc_keepalive_min_time", 0, None, "seconds"),
    ("etcd_grpc_keepalive_interval", 0, None, "seconds"),
    ("etcd_grpc_keepalive_timeout", 0, None, "seconds"),
    ("etcd_backend_batch_limit", 0, None, "writes per commit; 0 is etcd's default"),
    ("etcd_backend_batch_interval", 0, None, "milliseconds; 0 is etcd's default"),
    ("etcd_quota_backend_bytes", 0, None, "bytes; 0 is etcd's default of 2 GiB"),
    ("etcd_log_rotate_keep", 1, None, "rotated log files"),
    ("etcd_pki_ca_days", 1, None, "days"),
    ("etcd_pki_cert_days", 1, None, "days"),
    ("etcd_pki_renew_days", 0, None, "days"),
    ("etcd_health_timeout", 5, None, "seconds"),
    ("etcd_service_limit_nofile", 1024, None, "open files"),
)


def _minor_or_none(version: Any) -> Optional[str]:
    try:
        return minor(str(version))
    except ValueError:
        return None  # named by the version's own check


def client_problems(clients: List[Dict[str, Any]]) -> List[str]:
    """What is wrong with etcd_clients' entries: names that cannot be file and user names, prefixes that are not
    absolute, a name given twice or the root user's."""
    problems = []
    seen = set()
    for client in clients:
        if not isinstance(client, dict):
            continue  # the argument spec names it
        name = str(client.get("name") or "")
        if not SAFE_NAME.match(name):
            problems.append("etcd_clients has a client named %r: its name becomes its etcd user and file names on "
                            "the controller; use letters, digits, '.', '_' and '-', starting with a letter or digit"
                            % name)
        elif name == "root":
            problems.append("etcd_clients has a client named root: root is etcd's administrator, which "
                            "etcd_root_password makes; give the application a name of its own")
        elif name in seen:
            problems.append("etcd_clients names %s twice: give each application one entry" % name)
        seen.add(name)
        for option in ("path", "ca_file", "cert_file", "key_file"):
            path = client.get(option)
            if path and not (isinstance(path, str) and path.startswith("/")):
                problems.append("etcd_clients: client %s has the %s %r, which is not an absolute path: give the "
                                "path on its hosts from /" % (name, option, path))
        prefix = client.get("prefix")
        if isinstance(prefix, str) and not prefix.startswith("/"):
            problems.append("etcd_clients: client %s has the prefix %r, which does not start with '/': give the "
                            "key prefix it may use as an absolute path, like /%s/" % (name, prefix, name))
    return problems


def as_boolean(value: Any) -> bool:
    """As Ansible's bool filter: -e etcd_remove_force=false arrives as the string "false"."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "y", "t")
    return bool(value)


def _integer(value: Any) -> Optional[int]:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _as_list(value: Any) -> List[str]:
    if isinstance(value, str):
        return [item for item in value.split(",") if item]
    return [str(item) for item in value or []]


def parse_url(url: str) -> Tuple[Optional[Any], str]:
    """(urlsplit result, '') or (None, why the URL is not one etcd takes)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return None, str(error)
    if parts.scheme not in ("http", "https", "unix", "unixs"):
        return None, "it needs a scheme, like https://10.0.0.1:2379"
    if not parts.hostname:
        return None, "it has no host"
    if port is None:
        return None, "it has no port"
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None, "a member URL is scheme://host:port, with nothing after the port"
    return parts, ""


def _url_problems(variable: str, urls: Iterable[str], for_binding: bool, tls: bool = True) -> List[str]:
    problems = []
    for url in urls:
        parts, why = parse_url(url)
        if parts is None:
            problems.append("%s has %r, which etcd cannot use: %s" % (variable, url, why))
            continue
        if tls and parts.scheme != "https":
            problems.append("%s has %s: client and peer traffic is TLS, use https://" % (variable, url))
        if for_binding and parts.hostname != "localhost" and not is_ip(parts.hostname):
            problems.append("%s has %s: etcd listens on IP addresses only (or localhost); give the member's IP "
                            "address in etcd_address (ansible_host is used when it is not set), or in the variable"
                            % (variable, url))
    return problems


def _path_problems(variable: str, path: Any, managed: bool) -> List[str]:
    text = str(path or "")
    if not text.startswith("/"):
        return ["%s is %r: give an absolute path" % (variable, text)]
    if os.path.normpath(text) != text or "//" in text or re.search(r"\s", text):
        return ["%s is %r: give a plain absolute path, without '..', '.', doubled or trailing slashes or spaces"
                % (variable, text)]
    if managed and text in SYSTEM_DIRS:
        return ["%s is %s, a system directory whose owner and mode the roles would change: give a directory of "
                "etcd's own, like /var/lib/etcd" % (variable, text)]
    return []


def _version(value: Any) -> Optional[Tuple[int, int, int]]:
    match = VERSION.match(str(value or ""))
    return tuple(int(part) for part in match.groups()) if match else None  # type: ignore[return-value]


def initial_cluster_entries(value: str) -> Tuple[Dict[str, List[str]], List[str]]:
    """({name: [peer URLs]}, problems) of an initial-cluster string."""
    entries: Dict[str, List[str]] = {}
    problems = []
    for entry in str(value or "").split(","):
        name, sep, url = entry.partition("=")
        if not sep or not name or not url:
            problems.append("etcd_initial_cluster has %r: each entry is name=https://address:peer-port" % entry)
            continue
        entries.setdefault(name, []).append(url)
    return entries, problems


def _retention_problems(mode: str, retention: Any) -> List[str]:
    text = str(retention)
    if mode == "revision":
        if _integer(text) is None or int(text) < 0 or text.strip() != text:
            return ["etcd_auto_compaction_retention is %r: with etcd_auto_compaction_mode revision it is a number "
                    "of revisions to keep, like \"1000\" (\"0\" turns compaction off)" % text]
        return []
    if re.match(r"^[0-9]+$", text) or GO_DURATION.match(text):
        return []
    return ["etcd_auto_compaction_retention is %r: etcd takes a whole number of hours (\"1\") or a duration "
            "without spaces (\"30m\", \"1h30m\"); \"0\" turns compaction off" % text]


def _extra_config_problems(extra: Any, version_minor: str) -> List[str]:
    """etcd matches the file's keys to its settings ignoring case, and ignores the keys it does not know."""
    if not isinstance(extra, Mapping):
        return ["etcd_extra_config is %r: give a mapping of etcd configuration-file keys to values" % (extra,)]
    problems = []
    known = {key.casefold() for key in CONFIG_KEYS.get(version_minor, frozenset())}
    from_variables = {key.casefold(): variable for key, variable in KEYS_FROM_VARIABLES.items()}
    for key, value in extra.items():
        folded = str(key).casefold()
        if is_tls_key(str(key)):
            problems.append("etcd_extra_config sets %s: the collection sets transport security itself (TLS with "
                            "client certificates required on client and peer traffic); remove the key" % key)
        elif folded in from_variables:
            problems.append("etcd_extra_config sets %s, which comes from %s: set that instead"
                            % (key, from_variables[folded]))
        elif folded not in known:
            problems.append("etcd_extra_config has %r, which etcd %s does not read from its configuration file: "
                            "the keys are etcd's flag names without the leading --; check the spelling and the "
                            "version" % (key, version_minor))
    return problems


def reissue_names(value: Any) -> List[str]:
    """etcd_pki_reissue as a list: all, or member names, given as a list or as a comma-separated string."""
    if isinstance(value, str):
        return [name.strip() for name in value.split(",") if name.strip()]
    return [str(name) for name in value or []]


# What a run is told on the command line (-e etcd_remove_force=true, which Ansible passes as text), read with the bool
# filter. Every other true-or-false variable is a setting and must be a boolean: Ansible's conditionals refuse text.
COMMAND_LINE_FLAGS = ("etcd_force_restart", "etcd_replace_lost_members", "etcd_remove_force", "etcd_remove_data",
                      "etcd_upgrade_pause_after_first", "etcd_recover_confirm", "etcd_restore_confirm")
BOOLEAN_WORDS = ("1", "0", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f")


def argument_problems(settings: Mapping[str, Any], argument_spec: Mapping[str, Any]) -> List[str]:
    """What a role's argument spec refuses in the settings it names, in the words of Ansible's own check; and a
    true-or-false setting given as text, which Ansible's conditionals would refuse half way through a run."""
    values = {name: _plain(value) for name, value in settings.items() if name in argument_spec}
    texts = {name: value for name, value in values.items() if argument_spec[name].get("type") == "bool"
             and isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS and name not in COMMAND_LINE_FLAGS}
    problems = ["%s is the text %r, not a boolean (-e %s=%s passes text): set it in the inventory or a vars file, or "
                "give it as JSON: -e '{\"%s\": %s}'" % (name, value, name, value, name, str(as_boolean(value)).lower())
                for name, value in sorted(texts.items())]
    result = ArgumentSpecValidator(dict(argument_spec)).validate(values, validate_role_argument_spec=True)
    return problems + [_named_where(message) for message in result.error_messages]


def _plain(value: Any) -> Any:
    """The value in plain dicts and lists. The validator deep-copies what it checks, and a deep copy of one of
    Ansible's lazily templated containers copies its templar with every variable of the play (0.8 s a check)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


def _named_where(message: str) -> str:
    """Ansible names an entry's option last ("value of access must be ... found in etcd_roles -> permissions");
    the variable comes first here, as in every other refusal."""
    nested = re.match(r"^(?:value of )?(.*?) found in (.+)$", message, re.S)
    if not nested:
        return message
    what, where = nested.groups()
    return "%s -> %s" % (where, what)


def setting_problems(settings: Mapping[str, Any], member_names: Iterable[str] = ()) -> List[str]:
    """Problems with one member's settings that need no look at the host; variables not given are not checked
    (a play that runs some of the roles has the variables of those only). member_names: every member's etcd_name."""
    s = settings
    problems: List[str] = []
    member_names = list(member_names)
    for variable in LIST_VARIABLES:
        if variable in s and not isinstance(s[variable], (list, tuple)):
            problems.append("%s is %r: give a list (in YAML, [...] or one '- item' a line)" % (variable, s[variable]))
    if problems:
        return problems
    if "etcd_service_health_timeout" in s:
        problems.append("etcd_service_health_timeout is no more: set etcd_health_timeout, "
                        "which the start and every restart wait for")
    if "etcd_discovery_srv" in s:
        problems.append("etcd_discovery_srv is no more: for members that find each other by DNS SRV records set "
                        "etcd_discovery to srv and etcd_domain_name to the records' domain; remove it")
    if "etcd_maintenance_textfile_dir" in s:
        problems.append("etcd_maintenance_textfile_dir is no more: set etcd_textfile_dir, where the restore drill's and "
                        "the certificates' metrics go")
    if "etcd_pki_clients" in s:
        problems.append("etcd_pki_clients is no more: give each application as an entry of etcd_clients "
                        "({name: NAME, prefix: /NAME/, access: readwrite}), which issues its certificate and makes "
                        "its etcd user and role")
    client_names = [str(c.get("name")) for c in s.get("etcd_clients") or [] if isinstance(c, dict)]
    unknown = [name for name in reissue_names(s.get("etcd_pki_reissue"))
               if name != "all" and name not in member_names and name not in client_names]
    if unknown and member_names:
        problems.append("etcd_pki_reissue names %s, which is neither a member (%s) nor a client of etcd_clients: "
                        "give all, or members' etcd_name and clients' names"
                        % (", ".join(unknown), ", ".join(member_names)))

    for variable in ("etcd_name", "etcd_cluster_name", "etcd_pki_admin_cn"):
        if variable in s and not SAFE_NAME.match(str(s[variable])):
            problems.append("%s is %r: it becomes part of file names and of etcd's initial-cluster; use up to 63 "
                            "letters, digits, '.', '_' and '-', starting with a letter or digit" % (variable, s[variable]))
    problems += client_problems(s.get("etcd_clients") or [])
    if s.get("etcd_tls_min_version", "TLS1.2") != "TLS1.2" and _minor_or_none(s.get("etcd_version")) == "3.4":
        problems.append("etcd_tls_min_version is %s, which etcd 3.4 cannot set: it takes TLS 1.2 and later; set "
                        "TLS1.2, or deploy etcd 3.5" % s["etcd_tls_min_version"])
    for variable in ("etcd_hostname", "etcd_domain_name"):
        value = str(s.get(variable) or "")
        if value and not DNS_NAME.match(value):
            problems.append("%s is %r: give a DNS name (letters, digits, '-' and '.')" % (variable, value))
    if "etcd_address" in s:
        address = str(s["etcd_address"])
        if not (is_ip(address.strip("[]")) or DNS_NAME.match(address)):
            problems.append("etcd_address is %r: give the member's IP address (or a DNS name), without scheme or port"
                            % address)
    for san in s.get("etcd_pki_extra_sans") or []:
        if not (is_ip(str(san)) or DNS_NAME.match(str(san))):
            problems.append("etcd_pki_extra_sans has %r: give DNS names or IP addresses" % (san,))
    if "etcd_pki_country" in s and not re.match(r"^[A-Z]{2}$", str(s["etcd_pki_country"])):
        problems.append("etcd_pki_country is %r: give a two-letter country code in capitals, like US"
                        % (s["etcd_pki_country"],))
    if "etcd_pki_cn" in s and not 0 < len(str(s["etcd_pki_cn"])) <= 64:
        problems.append("etcd_pki_cn is %r: a certificate's common name has 1 to 64 characters" % (s["etcd_pki_cn"],))
    for variable in ("etcd_user", "etcd_group"):
        if variable in s and (not UNIX_NAME.match(str(s[variable])) or s[variable] == "root"):
            problems.append("%s is %r: etcd runs as an unprivileged system account of its own; give a name like "
                            "etcd (lower case letters, digits, '_' and '-')" % (variable, s[variable]))
    if "etcd_service_name" in s and not UNIT_NAME.match(str(s["etcd_service_name"])):
        problems.append("etcd_service_name is %r: give a systemd unit name, like etcd" % (s["etcd_service_name"],))
    problems.extend(_all_path_problems(s))
    problems.extend(_number_problems(s))
    if "etcd_auto_compaction_retention" in s:
        problems.extend(_retention_problems(str(s.get("etcd_auto_compaction_mode", "periodic")),
                                            s["etcd_auto_compaction_retention"]))
    problems.extend(_version_problems(s))
    problems.extend(_cluster_url_problems(s))

    # The source is shared; the archive and the URL are etcd_install's, checked with its settings.
    if s.get("etcd_install_source") == "archive" and "etcd_install_archive" in s and not s["etcd_install_archive"]:
        problems.append("etcd_install_source is archive but etcd_install_archive is empty: give the path of an etcd "
                        "release archive on the controller")
    if s.get("etcd_install_source") == "release" and "etcd_install_release_url" in s:
        parts = urlsplit(str(s.get("etcd_install_release_url", "")))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            problems.append("etcd_install_release_url is %r: give an http(s) URL laid out like etcd's releases"
                            % (s.get("etcd_install_release_url"),))
    if s.get("etcd_discovery") == "srv" and not s.get("etcd_domain_name"):
        problems.append("etcd_discovery is srv but etcd_domain_name is empty: set the domain of the SRV records "
                        "(_etcd-server-ssl._tcp.<etcd_domain_name>)")
    srv_name = str(s.get("etcd_discovery_srv_name") or "")
    if srv_name and not re.match(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$", srv_name):
        problems.append("etcd_discovery_srv_name is %r: it ends the services' names (_etcd-server-ssl-<name>._tcp), so "
                        "use letters, digits and inner hyphens only" % srv_name)
    if as_boolean(s.get("etcd_use_dns")) and not s.get("etcd_domain_name"):
        problems.append("etcd_use_dns is true but etcd_domain_name is empty: set the domain the member "
                        "certificates are to name")
    return problems


def _all_path_problems(s: Mapping[str, Any]) -> List[str]:
    """The roles set owner and mode on the directories they manage: those may not be system directories."""
    problems: List[str] = []
    paths = [("etcd_data_dir", True), ("etcd_certs_path", True), ("etcd_config_path", False), ("etcd_bin_dir", False)]
    if s.get("etcd_log_output") == "file":
        paths.append(("etcd_log_dir", True))
    for variable, managed in paths:
        if variable in s:
            problems.extend(_path_problems(variable, s[variable], managed))
    if problems:
        return problems
    owned = {}
    for variable in ("etcd_data_dir", "etcd_certs_path"):
        if variable in s:
            owned[variable] = str(s[variable])
    if "etcd_config_path" in s:
        config_dir = os.path.dirname(str(s["etcd_config_path"]))
        if config_dir in SYSTEM_DIRS:
            problems.append("etcd_config_path is %s: its directory %s is a system directory whose group and mode the "
                            "roles would change; give a file in a directory of etcd's own, like /etc/etcd/config.yaml"
                            % (s["etcd_config_path"], config_dir))
        owned["the directory of etcd_config_path"] = config_dir
    data_dir = owned.get("etcd_data_dir", "")
    for first, first_path in owned.items():
        for second, second_path in owned.items():
            nested = data_dir in (first_path, second_path) and (
                first_path.startswith(second_path + "/") or second_path.startswith(first_path + "/"))
            if first < second and (first_path == second_path or nested):
                problems.append("%s (%s) and %s (%s) overlap: give each its own directory"
                                % (first, first_path, second, second_path))
    return problems


def _number_problems(s: Mapping[str, Any]) -> List[str]:
    problems: List[str] = []
    numbers: Dict[str, Optional[int]] = {}
    for variable, lowest, highest, meaning in INTEGER_RANGES:
        if variable not in s:
            continue
        number = numbers[variable] = _integer(s[variable])
        if number is None or number < lowest or (highest is not None and number > highest):
            limit = "at least %d" % lowest if highest is None else "from %d to %d" % (lowest, highest)
            problems.append("%s is %r: give a whole number %s (%s)" % (variable, s[variable], limit, meaning))
            numbers[variable] = None
    heartbeat, election = numbers.get("etcd_heartbeat_interval"), numbers.get("etcd_election_timeout")
    if heartbeat and election and election < 5 * heartbeat:
        problems.append("etcd_election_timeout (%d ms) is less than 5 times etcd_heartbeat_interval (%d ms), which "
                        "etcd refuses: raise etcd_election_timeout to at least %d or lower the heartbeat"
                        % (election, heartbeat, 5 * heartbeat))
    cert_days, ca_days = numbers.get("etcd_pki_cert_days"), numbers.get("etcd_pki_ca_days")
    if cert_days and ca_days and cert_days > ca_days:
        problems.append("etcd_pki_cert_days (%d) is longer than etcd_pki_ca_days (%d): a certificate cannot outlive "
                        "its CA; shorten etcd_pki_cert_days or lengthen etcd_pki_ca_days" % (cert_days, ca_days))
    renew_days = numbers.get("etcd_pki_renew_days")
    if renew_days is not None and cert_days and renew_days >= cert_days:
        problems.append("etcd_pki_renew_days (%d) must be shorter than etcd_pki_cert_days (%d), or every run would "
                        "reissue the certificates; to reissue them once, set etcd_pki_reissue" % (renew_days, cert_days))
    return problems


def _version_problems(s: Mapping[str, Any]) -> List[str]:
    """The version, and the configuration keys that version reads."""
    if "etcd_version" not in s:
        return []
    if _version(s["etcd_version"]) is None:
        return ["etcd_version is %s: give a release like 3.5.16 (a leading v is allowed)" % (s["etcd_version"],)]
    version_minor = minor(str(s["etcd_version"]))
    if version_minor not in SUPPORTED_MINORS:
        return ["etcd_version is %s: this collection deploys etcd %s; give a release of one of them"
                % (s["etcd_version"], " and ".join(SUPPORTED_MINORS))]
    return _extra_config_problems(s.get("etcd_extra_config") or {}, version_minor)


def _metrics_url_problems(s: Mapping[str, Any], urls: List[str]) -> List[str]:
    """Of the scheme etcd_metrics_scheme (the one the scrape configuration reads), on a port etcd does not already
    listen on for clients or peers."""
    taken: Dict[int, str] = {}
    for variable in ("etcd_listen_client_urls", "etcd_listen_peer_urls"):
        for url in _as_list(s.get(variable)):
            parts = parse_url(url)[0]
            if parts is not None:
                taken.setdefault(parts.port, variable)
    problems = []
    for url in urls:
        parts = parse_url(url)[0]
        if parts is None:
            continue
        scheme = s.get("etcd_metrics_scheme", "http")
        if parts.scheme != scheme:
            problems.append("etcd_listen_metrics_urls has %s, but etcd_metrics_scheme is %s, which the scrape "
                            "configuration reads: give %s:// URLs, or set etcd_metrics_scheme (https: Prometheus "
                            "presents a client certificate, etcd_monitoring_client)" % (url, scheme, scheme))
        if parts.port in taken:
            problems.append("etcd_listen_metrics_urls has %s, but etcd listens on port %d for %s already: give the "
                            "metrics listener a port of its own (etcd_metrics_port)" % (url, parts.port, taken[parts.port]))
    return problems


def _cluster_url_problems(s: Mapping[str, Any]) -> List[str]:
    """The member's URLs, and the initial cluster that must agree with them."""
    problems: List[str] = []
    for variable, for_binding in (("etcd_listen_client_urls", True), ("etcd_listen_peer_urls", True),
                                  ("etcd_advertise_client_urls", False), ("etcd_advertise_peer_urls", False)):
        if variable not in s:
            continue
        if not _as_list(s[variable]):
            problems.append("%s is empty: give at least one https:// URL" % variable)
        problems.extend(_url_problems(variable, _as_list(s[variable]), for_binding))
    if "etcd_listen_metrics_urls" in s:
        metrics_urls = _as_list(s["etcd_listen_metrics_urls"])
        problems.extend(_url_problems("etcd_listen_metrics_urls", metrics_urls, for_binding=True, tls=False))
        problems.extend(_metrics_url_problems(s, metrics_urls))
    listen_hosts = {(parse_url(url)[0] or urlsplit("")).hostname for url in _as_list(s.get("etcd_listen_client_urls"))}
    if as_boolean(s.get("etcd_use_localhost")) and "etcd_listen_client_urls" in s and \
            not listen_hosts & {"127.0.0.1", "localhost", "0.0.0.0", "::"}:
        problems.append("etcd_use_localhost is true, but etcd_listen_client_urls (%s) has neither 127.0.0.1 nor a "
                        "wildcard address: add https://127.0.0.1:<client port>, or set etcd_use_localhost to false"
                        % ",".join(_as_list(s["etcd_listen_client_urls"])))
    # Empty with SRV discovery: a new member bootstraps from the records (discovery-srv) instead.
    if "etcd_initial_cluster" not in s or (s.get("etcd_discovery") == "srv" and not s["etcd_initial_cluster"]):
        return problems
    entries, entry_problems = initial_cluster_entries(str(s["etcd_initial_cluster"]))
    problems.extend(entry_problems)
    for name, urls in entries.items():
        problems.extend(_url_problems("etcd_initial_cluster's %s" % name, urls, False))
    name = str(s.get("etcd_name", ""))
    advertised_peers = _as_list(s.get("etcd_advertise_peer_urls"))
    if not entry_problems and name not in entries:
        problems.append("etcd_initial_cluster (%s) has no entry for this member's etcd_name %s: leave "
                        "etcd_initial_cluster to the collection, or give name=peer-URL for every member"
                        % (s["etcd_initial_cluster"], name))
    elif name in entries and sorted(entries[name]) != sorted(advertised_peers):
        problems.append("etcd_initial_cluster gives %s the peer URLs %s, but etcd_advertise_peer_urls is %s; etcd "
                        "refuses to start unless they match" % (name, ",".join(entries[name]), ",".join(advertised_peers)))
    if "etcd_initial_cluster_token" in s and not str(s["etcd_initial_cluster_token"]).strip():
        problems.append("etcd_initial_cluster_token is empty: give the cluster a token (etcd_cluster_name by default)")
    return problems


def merge_problems(problems_by_host: Mapping[str, Iterable[str]]) -> List[str]:
    """One line per problem, naming every host that has it, in the order first seen."""
    hosts_of: Dict[str, List[str]] = {}
    for host, problems in problems_by_host.items():
        for problem in problems or []:
            hosts_of.setdefault(problem, []).append(host)
    return ["%s: %s" % (", ".join(hosts), problem) for problem, hosts in hosts_of.items()]


def _listen_urls(settings: Mapping[str, Any]) -> List[Tuple[str, str]]:
    """(variable, URL) for every URL the member binds to."""
    urls = [("etcd_listen_client_urls", u) for u in _as_list(settings.get("etcd_listen_client_urls"))]
    urls += [("etcd_listen_peer_urls", u) for u in _as_list(settings.get("etcd_listen_peer_urls"))]
    urls += [("etcd_listen_metrics_urls", u) for u in _as_list(settings.get("etcd_listen_metrics_urls"))]
    return urls


def cluster_member(cluster: Optional[Mapping[str, Any]], peer_url: str, name: str = "") -> Optional[Mapping[str, Any]]:
    """The cluster's member with this peer URL or, once started, this name (peer URLs may be advertised
    under another address than etcd_address)."""
    members = (cluster or {}).get("members") or []
    for member in members:
        if peer_url in member.get("peer_urls", []):
            return member
    return next((member for member in members if name and member.get("name") == name), None)


def host_problems(settings: Mapping[str, Any], host: Mapping[str, Any], peer_url: str,
                  cluster: Optional[Mapping[str, Any]] = None, replacing: bool = False,
                  upgrading: bool = False) -> List[str]:
    """Problems of one member that show only on its host: what etcd_host_info read there, and the running
    cluster as etcd_info saw it (None when no member answered). replacing: the run replaces its member;
    upgrading: the run is upgrade.yml's, which may change the version of a bootstrapped member."""
    problems = []
    addresses = host.get("addresses")
    wildcard = {"0.0.0.0", "::"}
    for variable, url in _listen_urls(settings):
        parts = parse_url(url)[0]
        if parts is None:
            continue
        address = parts.hostname
        if addresses is not None and address != "localhost" and address not in wildcard:
            ip = ipaddress.ip_address(address)
            if str(ip) not in addresses and not (ip.is_loopback and ip.version == 4 and "127.0.0.1" in addresses):
                problems.append("%s has %s, but the host has no address %s (it has %s): etcd could not bind it; "
                                "give one of the host's addresses (etcd_address, or the variable itself)"
                                % (variable, url, address, ", ".join(addresses)))
        for listener in host.get("listeners") or []:
            same_address = address in ("localhost",) or address in wildcard or listener["address"] in wildcard \
                or listener["address"] == address
            if listener["port"] == parts.port and same_address and listener["process"] not in ("etcd", ""):
                problems.append("%s has %s, but %s already listens on port %d there: free the port or give "
                                "etcd another" % (variable, url, listener["process"], parts.port))
                break

    source = settings.get("etcd_install_source", "release")
    if source in ("release", "archive") and release_architecture(str(host.get("architecture")), strict=False) is None:
        problems.append("the host is %s, and etcd's releases are for x86_64 (amd64) and aarch64 (arm64) only: install "
                        "etcd from the OS packages there (etcd_install_source: package)" % host.get("architecture"))
    installed, wanted = _version(host.get("installed_version")), _version(settings.get("etcd_version"))
    # A patch release may go back (same data format); a minor may not, once the cluster has moved on.
    if source != "package" and installed and wanted and wanted[:2] < installed[:2]:
        problems.append("etcd_version is %s, but the host runs etcd %s: etcd does not go back a minor version once "
                        "the cluster runs the newer one; keep etcd_version at %d.%d.x or newer"
                        % (settings.get("etcd_version"), host.get("installed_version"), installed[0], installed[1]))
    if source != "package" and installed and wanted and (wanted[0], wanted[1]) > (installed[0], installed[1] + 1):
        problems.append("etcd_version is %s, but the host runs etcd %s: etcd upgrades one minor version at a time; "
                        "upgrade to %d.%d first" % (settings.get("etcd_version"), host.get("installed_version"),
                                                    installed[0], installed[1] + 1))

    data_dir = host.get("data_dir") or {}
    if source != "package" and installed and wanted and installed != wanted and data_dir.get("has_member") \
            and not upgrading and installed[:2] <= wanted[:2] <= (installed[0], installed[1] + 1):
        problems.append("etcd_version is %s, but the member runs etcd %s: a member changes version only through "
                        "playbooks/upgrade.yml -e etcd_version=%s (every member healthy and no alarm first, a "
                        "snapshot saved, then one member at a time, the leader last)"
                        % (settings.get("etcd_version"), host.get("installed_version"), settings.get("etcd_version")))
    listed = cluster_member(cluster, peer_url, str(settings.get("etcd_name", "")))
    if listed is not None and listed.get("name") and data_dir.get("has_member") is False and not replacing:
        problems.append("etcd_data_dir %s holds no member, but the cluster lists %s (%s) as a started member: its "
                        "data was lost, and it must not start as a new member. Replace it (removed from the cluster "
                        "and added again, empty): run playbooks/replace_member.yml -e etcd_replace_member=%s, or "
                        "cluster.yml with etcd_replace_lost_members=true"
                        % (settings.get("etcd_data_dir"), listed.get("name"), ",".join(listed.get("peer_urls", [])),
                           listed.get("name")))
    return problems


def membership_problems(cluster: Optional[Mapping[str, Any]], members: Iterable[Mapping[str, Any]],
                        joining: Iterable[str] = (), replace: str = "", removing: Iterable[str] = ()) -> List[str]:
    """Differences between the running cluster's members and the inventory's, which cluster.yml does not mend; the
    hosts of joining (new hosts, without data, that the run adds one at a time) are not one, nor the members named
    in removing (remove_member.yml). replace: the member etcd_replace_member names."""
    members = list(members)
    problems = []
    if replace and replace not in [m.get("name") for m in members]:
        problems.append("etcd_replace_member is %s, but the inventory group has no member of that name (its members: "
                        "%s): give the name of the member whose host is to be replaced"
                        % (replace, ", ".join(m.get("name", m["host"]) for m in members)))
    if not cluster or not cluster.get("members"):
        if replace:
            problems.append("etcd_replace_member is %s, but no member of the running cluster answered: a member is "
                            "replaced through the cluster, which must have its quorum" % replace)
        return problems
    joining, removing = set(joining), set(removing)
    for member in members:
        if member["host"] not in joining and cluster_member(cluster, member["peer_url"], member.get("name", "")) is None:
            problems.append("%s (peer URL %s) is not a member of the running cluster %s and cannot join it: a host joins "
                            "only with an empty data dir and etcd stopped, and this one's data dir holds a member, or its "
                            "etcd runs, or it was not read; move its data dir aside and stop etcd there, or take the host "
                            "out of the inventory group"
                            % (member["host"], member["peer_url"], cluster.get("cluster_id")))
        listed = cluster_member(cluster, member["peer_url"], member.get("name", ""))
        if member.get("srv_target") and member["host"] not in joining and listed is not None and listed.get("name") \
                and member["peer_url"] not in listed.get("peer_urls", []):
            problems.append("the running cluster lists %s at %s, not at its SRV target (%s): etcd_discovery srv "
                            "bootstraps a new cluster from the records, and a running one keeps its members' peer URLs; "
                            "set etcd_discovery back to static for this cluster (or the member's target back to the "
                            "one it has)" % (listed["name"], ",".join(listed.get("peer_urls", [])), member["peer_url"]))
    inventory_urls = {m["peer_url"] for m in members}
    inventory_names = {m.get("name") for m in members}
    for listed in cluster["members"]:
        if listed.get("name") in removing:
            continue
        if not inventory_urls.intersection(listed.get("peer_urls", [])) and listed.get("name") not in inventory_names:
            problems.append("the running cluster has the member %s (%s), which is not in the inventory group: put its "
                            "host back in the group, or remove the member (playbooks/remove_member.yml "
                            "-e etcd_remove_members=%s)"
                            % (listed.get("name") or listed.get("id"), ",".join(listed.get("peer_urls", [])),
                               listed.get("name") or listed.get("id")))
    return problems


def removal_problems(cluster: Optional[Mapping[str, Any]], members: Iterable[Mapping[str, Any]],
                     removing: Iterable[str], force: bool = False) -> List[str]:
    """Why remove_member.yml must not remove the members named in removing: a name neither the cluster nor the
    group has, no member answering, no voting member left, or (unless force) the voting members left without a
    healthy quorum. The playbook itself refuses an empty list before it contacts any host."""
    removing = list(removing)
    if not cluster or not cluster.get("members"):
        return ["etcd_remove_members is %s, but no member of the running cluster answered: a member is removed "
                "through the cluster, which must have its quorum" % ",".join(removing)]
    listed_names = [listed.get("name") for listed in cluster["members"]]
    group_names = [member.get("name") for member in members]
    problems = ["etcd_remove_members names %s, which is neither a member of the running cluster (%s) nor of the "
                "inventory group: give the member's name (etcd_name)" % (name, ", ".join(n or "?" for n in listed_names))
                for name in removing if name not in listed_names and name not in group_names]
    left = [listed for listed in cluster["members"] if listed.get("name") not in removing and not listed.get("is_learner")]
    if not left:
        return problems + ["etcd_remove_members names every voting member of the cluster: one must stay (to retire "
                           "the cluster, stop etcd on its hosts)"]
    healthy = [listed for listed in left if listed.get("healthy")]
    quorum = len(left) // 2 + 1
    if len(healthy) < quorum and not force:
        problems.append("removing %s would leave %d voting members of which only %d are healthy (unhealthy: %s), fewer "
                        "than their quorum of %d: bring the unhealthy members back first, or set etcd_remove_force=true"
                        % (",".join(removing), len(left), len(healthy),
                           ", ".join(listed.get("name") or listed.get("id") for listed in left if not listed.get("healthy")),
                           quorum))
    return problems


def upgrade_problems(cluster: Mapping[str, Any], members: Iterable[Mapping[str, Any]], version: str) -> List[str]:
    """Why upgrade.yml must not begin, before any member changes: a member not healthy, not voting or of another
    cluster, an alarm, or a version etcd cannot go to from what a member runs (back a minor, or past the next)."""
    members = list(members)
    problems = cluster_problems(cluster, members)
    names = {listed.get("id"): listed.get("name") or listed.get("id") for listed in cluster.get("members") or []}
    for alarm in cluster.get("alarms") or []:
        problems.append("%s has the alarm %s: disarm it (after freeing space, for NOSPACE) before the upgrade"
                        % (names.get(alarm.get("id"), alarm.get("id")), alarm.get("alarm")))
    wanted = _version(version)
    for listed in cluster.get("members") or []:
        running = _version(listed.get("server_version"))
        if not wanted or not running:
            continue
        label = listed.get("name") or listed.get("id")
        if wanted[:2] < running[:2]:
            problems.append("etcd_version is %s, but %s runs etcd %s: etcd does not go back a minor version"
                            % (version, label, listed.get("server_version")))
        elif wanted[:2] > (running[0], running[1] + 1):
            problems.append("etcd_version is %s, but %s runs etcd %s: etcd upgrades one minor version at a time; "
                            "upgrade to %d.%d first" % (version, label, listed.get("server_version"),
                                                        running[0], running[1] + 1))
    return problems


def cluster_problems(cluster: Mapping[str, Any], members: Iterable[Mapping[str, Any]],
                     restarting: str = "", units: Optional[Mapping[str, Mapping[str, Any]]] = None) -> List[str]:
    """Why the cluster is not whole: every inventory member a started, healthy, voting member of one cluster,
    and (units: host to systemd's status of its unit) every unit running.

    With restarting (a member's host), only whether every other member of the cluster is healthy, so that
    the cluster keeps its quorum while that one is down.
    """
    problems = [problem for problem in (unit_problem(host, unit) for host, unit in (units or {}).items()) if problem]
    if not cluster.get("members"):
        return problems + ["the cluster did not answer: %s" % (cluster.get("msg") or "no member list")]
    members = list(members)
    if restarting:
        target = [cluster_member(cluster, m["peer_url"], m.get("name", "")) for m in members if m["host"] == restarting]
        for listed in cluster["members"]:
            if target and listed is target[0]:
                continue
            if not listed.get("healthy"):
                shown_as = listed.get("name") or ",".join(listed.get("peer_urls", []))
                problems.append("%s is not healthy (%s)" % (shown_as, listed.get("error") or "no leader, or an alarm"))
        return problems
    problems.extend(membership_problems(cluster, members))
    cluster_ids = {}
    for member in members:
        listed = cluster_member(cluster, member["peer_url"], member.get("name", ""))
        if listed is None:
            continue
        if not listed.get("name"):
            problems.append("%s has not joined: the cluster lists it as not started" % member["host"])
        elif listed.get("is_learner"):
            problems.append("%s is a learner, not a voting member: promote it with quorum.etcd.etcd_member"
                            % member["host"])
        elif not listed.get("healthy"):
            problems.append("%s is not healthy: %s" % (member["host"], listed.get("error") or "no leader, or an alarm"))
        if listed.get("cluster_id"):
            cluster_ids.setdefault(listed["cluster_id"], []).append(member["host"])
    if len(cluster_ids) > 1:
        problems.append("the members belong to different clusters: %s" % "; ".join(
            "%s in %s" % (", ".join(hosts), cluster_id) for cluster_id, hosts in sorted(cluster_ids.items())))
    return problems


def unit_problem(host: str, unit: Mapping[str, Any]) -> str:
    """Why a member's unit is not running as it should, or ''."""
    if unit.get("ActiveState", unit.get("active_state")) == "active":
        return ""
    return ("%s: its etcd unit is %s (%s), restarted %s times by systemd: see journalctl -u %s there"
            % (host, unit.get("ActiveState", unit.get("active_state")), unit.get("SubState", unit.get("sub_state")),
               unit.get("NRestarts", unit.get("restarts", 0)), unit.get("Id", "etcd.service")))


def ca_rotation_problems(
    stage: str,
    state: str,
    signing_ca: Optional[str] = None,
    issuers: Optional[Mapping[str, Optional[str]]] = None,
    restart_reason: str = "",
) -> List[str]:
    """Why the stage of a CA rotation (etcd_pki_ca_rotation) cannot run on a member: a stage given before the one it
    needs, or a finish while the member still runs a certificate of the old CA (issuers: path to the common name of
    the CA that issued it; restart_reason: why etcd runs older files than it has, or '')."""
    if stage == "sign" and state == "steady":
        return ["etcd_pki_ca_rotation is sign, but no new CA is trusted yet (etcd_pki_dir has no ca-next.pem): run "
                "the trust stage first (playbooks/rotate_ca.yml runs the stages in order)"]
    if stage == "finish" and state == "trusted":
        return ["etcd_pki_ca_rotation is finish, but the new CA (ca-next.pem in etcd_pki_dir) does not sign yet: run "
                "the sign stage first"]
    if stage != "finish" or state != "signed":
        return []
    again = "; run the sign stage again (-e etcd_pki_ca_rotation=sign) until every member does"
    if restart_reason:
        return ["etcd_pki_ca_rotation is finish, which retires the old CA, but etcd has not restarted since its "
                "files changed (%s), so it may run certificates of the old CA%s" % (restart_reason, again)]
    return ["etcd_pki_ca_rotation is finish, which retires the old CA, but %s was issued by %s, not by the new CA "
            "(%s)%s" % (path, issuer or "an unreadable issuer", signing_ca, again)
            for path, issuer in sorted((issuers or {}).items()) if issuer != signing_ca]
