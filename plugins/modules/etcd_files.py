#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: quorum.etcd contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: etcd_files
short_description: Put several files and directories on a host in one transfer, writing only what differs
version_added: 0.1.0
description:
  - Internal to this collection - the one way its roles put files on a host. It is documented because the roles'
    tasks use it; playbooks are better served by M(ansible.builtin.copy) and M(ansible.builtin.template).
  - Compares the wanted files and directories (content, mode, owner, group) with what the host has, sends the
    content of the files that differ to the host in one archive and writes them there atomically, each
    created with its owner and mode before it takes its place. Directories are created or corrected.
  - M(ansible.builtin.copy) and M(ansible.builtin.template) cost a stat, a transfer and a module run per file;
    this costs one module run to read and, when something differs, one transfer and one module run in all.
  - With O(paths) instead of O(files), it only reads those paths; give what it returns as O(current) to later
    calls, and they need no read of their own.
  - The quorum.etcd roles install the binaries, certificates, configuration and unit with it.
  - This is an action; on the host it runs M(quorum.etcd.etcd_files_host).
attributes:
  check_mode:
    support: full
    description: Reports the paths that would be written, without sending anything.
  diff_mode:
    support: partial
    description: Shows the old and new text of entries given by O(files[].content); files from O(files[].src),
      such as keys, show only their path.
options:
  files:
    description:
      - The files and directories to put on the host. Parent directories that are missing are created with mode
        C(0755), owned by root; list them first to give them other attributes.
    type: list
    elements: dict
    suboptions:
      path:
        description: Absolute path on the host.
        type: str
        required: true
      state:
        description: A regular file or a directory.
        type: str
        choices: [file, directory]
        default: file
      src:
        description: Path on the controller of the file's content. One of O(files[].src) or O(files[].content).
        type: str
      content:
        description: The file's content. One of O(files[].src) or O(files[].content).
        type: str
      mode:
        description: Mode, as an octal string like C('0640').
        type: str
        required: true
      owner:
        description: Owner name; the user must exist on the host.
        type: str
        default: root
      group:
        description: Group name; the group must exist on the host.
        type: str
        default: root
  current:
    description:
      - What the host has, as returned in RV(current) by an earlier call with O(paths), or in
        RV(quorum.etcd.etcd_host_info#module:managed_paths) by M(quorum.etcd.etcd_host_info). Saves the read
        when nothing since has written those paths.
      - Paths of O(files) that it does not cover are read first, all of them when it is not given.
    type: list
    elements: dict
  paths:
    description:
      - Only read these paths, changing nothing, and return them in RV(current). Missing paths are reported as
        C(absent).
    type: list
    elements: str
notes:
  - Symbolic links at a wanted path are replaced, not followed.
author:
  - quorum.etcd developers (@quorum)
"""

EXAMPLES = r"""
- name: Install a certificate and its key, readable by etcd only
  quorum.etcd.etcd_files:
    files:
      - {path: /etc/ssl/etcd, state: directory, mode: "0750", group: etcd}
      - {path: /etc/ssl/etcd/etcd.pem, src: /srv/pki/etcd.pem, mode: "0644", group: etcd}
      - {path: /etc/ssl/etcd/etcd-key.pem, src: /srv/pki/etcd-key.pem, mode: "0600", owner: etcd, group: etcd}
  notify: restart etcd

- name: Read the paths once
  quorum.etcd.etcd_files:
    paths: [/etc/etcd, /etc/etcd/config.yaml]
  register: installed

- name: Write the configuration, deciding from that read
  quorum.etcd.etcd_files:
    files:
      - {path: /etc/etcd, state: directory, mode: "0755"}
      - {path: /etc/etcd/config.yaml, content: "{{ lookup('template', 'config.yaml.j2') }}", mode: "0640"}
    current: "{{ installed.current }}"
"""

RETURN = r"""
changed_paths:
  description: The paths written or corrected (or, in check mode, that would be).
  returned: with O(files)
  type: list
  elements: str
  sample: [/etc/ssl/etcd/etcd.pem]
current:
  description: What the host has at each of O(paths).
  returned: with O(paths)
  type: list
  elements: dict
  contains:
    path:
      description: The path.
      type: str
      sample: /etc/etcd/config.yaml
    state:
      description: C(file), C(directory), C(other) (a link or a device) or C(absent).
      type: str
      sample: file
    mode:
      description: Mode, as an octal string.
      type: str
      sample: "0640"
    owner:
      description: Owner name (the number when it has no name).
      type: str
      sample: root
    group:
      description: Group name (the number when it has no name).
      type: str
      sample: etcd
    checksum:
      description: SHA-1 of a regular file's content.
      type: str
      sample: 2aae6c35c94fcfb415dbe95f408b9ce91ee846ed
"""
