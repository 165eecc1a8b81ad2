# -*- coding: utf-8 -*-
# Copyright: quorum.etcd developers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: etcd_dns_records
short_description: What the DNS answers for a cluster's SRV records and their targets
version_added: 0.1.0
description:
  - Looks up the SRV records of each name given and the addresses (A and AAAA) of each host of O(hosts), from the
    controller, asking O(nameservers) or else the controller's resolver. One answer or error per name; an error is
    an answer too, never a failure.
  - Needs the Python C(dnspython) library on the controller, as community.general's dig lookup does.
options:
  _terms:
    description: Owner names of SRV records, such as C(_etcd-server-ssl._tcp.example.com).
    type: list
    elements: str
    required: true
  hosts:
    description: Host names whose addresses to look up.
    type: list
    elements: str
    default: []
  nameservers:
    description: IP addresses of the DNS servers to ask; empty for the controller's resolver (C(/etc/resolv.conf)).
    type: list
    elements: str
    default: []
  timeout:
    description: Seconds one name may take, over every server and retry.
    type: float
    default: 5
"""

EXAMPLES = r"""
- name: Show the members' server records
  ansible.builtin.debug:
    msg: "{{ lookup('quorum.etcd.etcd_dns_records', '_etcd-server-ssl._tcp.example.com', nameservers=['10.0.0.53']) }}"
"""

RETURN = r"""
_raw:
  description: One dictionary.
  type: dict
  contains:
    srv:
      description: Per owner name, its C(records) (C(target) without the final dot, C(port), C(priority), C(weight)),
        or the C(error) that kept them from being read.
      type: dict
      sample: {"_etcd-server-ssl._tcp.example.com": {"records": [{"target": etcd-1.example.com, "port": 2380,
               "priority": 0, "weight": 10}], "error": ""}}
    addresses:
      description: Per host name, its C(addresses) (IPv4 and IPv6, as Python writes them), or the C(error).
      type: dict
      sample: {"etcd-1.example.com": {"addresses": ["10.0.0.1"], "error": ""}}
"""

import ipaddress

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

try:
    import dns.exception
    import dns.resolver
except ImportError as error:
    DNSPYTHON_ERROR = error
else:
    DNSPYTHON_ERROR = None


def _resolver(nameservers, timeout):
    resolver = dns.resolver.Resolver(configure=not nameservers)
    if nameservers:
        resolver.nameservers = [str(server) for server in nameservers]
    resolver.lifetime = timeout
    return resolver


def _answer(resolver, name, record_type):
    """(the answer's records, "") or ([], why there are none)."""
    try:
        return list(resolver.resolve(name, record_type, search=False)), ""
    except dns.resolver.NXDOMAIN:
        return [], "no such name"
    except dns.resolver.NoAnswer:
        return [], "no %s record" % record_type
    except dns.exception.Timeout:
        return [], "no answer within %gs" % resolver.lifetime
    except dns.exception.DNSException as error:
        return [], str(error) or type(error).__name__


class LookupModule(LookupBase):
    def run(self, terms, variables=None, **kwargs):
        if DNSPYTHON_ERROR is not None:
            raise AnsibleLookupError("etcd_dns_records needs the Python dnspython library on the controller "
                                     "(pip install dnspython): %s" % DNSPYTHON_ERROR)
        self.set_options(var_options=variables, direct=kwargs)
        resolver = _resolver(self.get_option("nameservers"), float(self.get_option("timeout")))
        srv = {}
        for name in terms:
            records, error = _answer(resolver, name, "SRV")
            srv[name] = {"records": [{"target": record.target.to_text(omit_final_dot=True), "port": record.port,
                                      "priority": record.priority, "weight": record.weight} for record in records],
                         "error": error}
        addresses = {}
        for host in self.get_option("hosts"):
            found, errors = [], []
            for record_type in ("A", "AAAA"):
                records, error = _answer(resolver, host, record_type)
                found += [str(ipaddress.ip_address(record.address)) for record in records]
                errors += [error] if error else []
            # A host needs one address, of either family.
            addresses[host] = {"addresses": found, "error": "" if found else "; ".join(dict.fromkeys(errors))}
        return [{"srv": srv, "addresses": addresses}]
